package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** access(5) actions that change the message or the connection, over SMTP: HOLD, DISCARD, REDIRECT, BCC, HANGUP. */
class AccessActionsTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @BeforeEach
    void start() throws Exception {
        system = new MailSystemFixture(root).set("smtpd_sender_restrictions", "check_sender_access inline:{"
                + "held@remote.example=HOLD, dropped@remote.example=DISCARD, "
                + "{ moved@remote.example = REDIRECT bob@example.test }, "
                + "{ copied@remote.example = BCC bob@example.test }, hung@remote.example=HANGUP, "
                + "{ alice@example.test = BCC lost@example.test }}").start();
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
    void holdKeepsTheMessageInTheHoldQueue() throws Exception {
        String reply = send("held@remote.example");

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(system.var.resolve("spool/hold").resolve(queueId(reply))).exists();
        assertThat(system.maillog()).contains("NOQUEUE: hold: RCPT from unknown[127.0.0.2]: <held@remote.example>: "
                + "Sender address triggers HOLD action");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void discardAnswersQueuedAndKeepsNothing() throws Exception {
        String reply = send("dropped@remote.example");

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        system.awaitLog(queueId(reply) + ": discarded");
        send("held@remote.example"); // a later message proves the queue manager ran past the first
        assertThat(system.delivered("alice")).isEmpty();
        assertThat(system.var.resolve("spool/active").resolve(queueId(reply))).doesNotExist();
    }

    @Test
    void redirectDeliversToTheNewAddressInstead() throws Exception {
        assertThat(send("moved@remote.example")).startsWith("250 2.0.0 Ok: queued as ");

        system.awaitDelivered("bob", 1);
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void bccDeliversToTheRecipientAndTheCopyAddress() throws Exception {
        assertThat(send("copied@remote.example")).startsWith("250 2.0.0 Ok: queued as ");

        system.awaitDelivered("alice", 1);
        system.awaitDelivered("bob", 1);
    }

    @Test
    void aBccCopyThatCannotBeDeliveredSendsTheSenderNoNotice() throws Exception {
        String id = queueId(send("alice@example.test"));

        String log = system.awaitLog(id + ": removed");
        assertThat(log).contains(id + ": to=<lost@example.test>, relay=virtual").contains("status=bounced")
                .doesNotContain(id + ": sender non-delivery notification");
        assertThat(system.awaitDelivered("alice", 1)).as("the message itself, and no bounce").hasSize(1);
    }

    @Test
    void hangupDropsTheConnectionWithoutAReply() throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO remote.example");
            assertThat(smtp.command("MAIL FROM:<hung@remote.example>")).startsWith("250 ");

            assertThat(smtp.command("RCPT TO:<alice@example.test>")).as("no reply, the connection is closed").isEmpty();
        }
        String log = system.awaitLog("disconnect from unknown[127.0.0.2]");
        assertThat(log).contains("NOQUEUE: hangup: RCPT from unknown[127.0.0.2]: <hung@remote.example>: "
                + "Sender address triggers HANGUP action; from=<hung@remote.example> to=<alice@example.test>")
                .doesNotContain("lost connection after RCPT");
        assertThat(send("copied@remote.example")).as("the server goes on serving").startsWith("250 2.0.0 Ok");
    }
}
