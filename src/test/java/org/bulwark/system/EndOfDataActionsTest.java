package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * access(5) actions from smtpd_end_of_data_restrictions, where the content is already in the queue
 * file: HOLD, DISCARD, REDIRECT and BCC still apply (Postfix carries out all but PREPEND there).
 */
class EndOfDataActionsTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @BeforeEach
    void start() throws Exception {
        system = new MailSystemFixture(root).set("smtpd_end_of_data_restrictions", "check_sender_access inline:{"
                + "held@remote.example=HOLD, dropped@remote.example=DISCARD, "
                + "{ moved@remote.example = REDIRECT bob@example.test }, "
                + "{ copied@remote.example = BCC bob@example.test }, "
                + "{ tagged@remote.example = PREPEND X-Tag: late }}").start();
    }

    @AfterEach
    void stop() {
        system.close();
    }

    private String send(String sender) throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO remote.example");
            smtp.command("MAIL FROM:<" + sender + ">");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("250 2.1.5 Ok");
            smtp.command("DATA");
            String reply = smtp.command("Subject: from " + sender + "\r\n\r\nbody\r\n.");
            smtp.command("QUIT");
            return reply;
        }
    }

    private static String queueId(String reply) {
        return reply.substring(reply.lastIndexOf(' ') + 1);
    }

    @Test
    void holdAtEndOfDataKeepsTheMessageInTheHoldQueue() throws Exception {
        String reply = send("held@remote.example");

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(system.var.resolve("spool/hold").resolve(queueId(reply))).exists();
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void discardAtEndOfDataAnswersQueuedAndKeepsNothing() throws Exception {
        String reply = send("dropped@remote.example");

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        system.awaitLog(queueId(reply) + ": discarded");
        send("copied@remote.example"); // a later message proves the queue manager ran past the first
        system.awaitDelivered("alice", 1);
        assertThat(system.var.resolve("spool/active").resolve(queueId(reply))).doesNotExist();
    }

    @Test
    void redirectAtEndOfDataDeliversToTheNewAddressInstead() throws Exception {
        assertThat(send("moved@remote.example")).startsWith("250 2.0.0 Ok: queued as ");

        system.awaitDelivered("bob", 1);
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void bccAtEndOfDataDeliversToTheRecipientAndTheCopyAddress() throws Exception {
        assertThat(send("copied@remote.example")).startsWith("250 2.0.0 Ok: queued as ");

        system.awaitDelivered("alice", 1);
        system.awaitDelivered("bob", 1);
    }

    @Test
    void prependAtEndOfDataIsIgnoredWithAWarning() throws Exception {
        String reply = send("tagged@remote.example");

        assertThat(java.nio.file.Files.readString(system.awaitDelivered("alice", 1).get(0))).doesNotContain("X-Tag: late");
        assertThat(system.maillog()).contains(queueId(reply) + ": PREPEND X-Tag: late is ignored at end of data");
    }
}
