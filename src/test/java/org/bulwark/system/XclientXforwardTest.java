package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XFORWARD_README's content filter setup: the filter transport sends the original client with
 * XFORWARD (smtp_send_xforward_command), the filter passes it on, and the reinjection service,
 * which trusts the filter (smtpd_authorized_xforward_hosts), logs and records that client instead
 * of the filter. And XCLIENT_README's proxy: swaks names another client with XCLIENT, and the
 * restrictions judge that client.
 */
class XclientXforwardTest {

    @TempDir
    Path root;

    private MailSystemFixture system;
    private ContentFilterProxy filter;

    @AfterEach
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
        if (filter != null) {
            filter.close();
        }
    }

    private String sendFrom127002(String recipient) throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            smtp.command("MAIL FROM:<someone@client.example>");
            assertThat(smtp.command("RCPT TO:<" + recipient + ">")).startsWith("250 ");
            smtp.command("DATA");
            String reply = smtp.command("Subject: forwarded\r\n\r\nbody\r\n.");
            smtp.command("QUIT");
            return reply;
        }
    }

    private void startFilterSetup(String reinjectionOptions) throws Exception {
        int reinjectionPort = MailSystemFixture.freePort();
        filter = new ContentFilterProxy(reinjectionPort, true);
        system = new MailSystemFixture(root).set("content_filter", "scan:[127.0.0.1]:" + filter.port());
        system.startWithServices("scan unix - - n - 2 smtp -o smtp_send_xforward_command=yes\n"
                + "127.0.0.1:" + reinjectionPort + " inet n - n - - smtpd -o content_filter="
                + " -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks"
                + " -o smtpd_recipient_restrictions=permit_mynetworks,reject -o mynetworks=127.0.0.0/8"
                + reinjectionOptions + "\n");
    }

    private static long count(String text, String regex) {
        return Pattern.compile(regex).matcher(text).results().count();
    }

    @Test
    void theReinjectedMessageKeepsTheOriginalClient() throws Exception {
        startFilterSetup(" -o smtpd_authorized_xforward_hosts=127.0.0.0/8");

        assertThat(sendFrom127002("alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");

        String content = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(filter.xforward()).hasSize(2);
        assertThat(filter.xforward().get(0)).isEqualTo("XFORWARD ADDR=127.0.0.2");
        assertThat(filter.xforward().get(1)).matches("XFORWARD PROTO=ESMTP HELO=client\\.example IDENT=[0-9A-F]+"
                + " SOURCE=REMOTE");
        String log = system.maillog();
        // The reinjection names the filter, then, as Postfix does, the original queue ID and client.
        var first = Pattern.compile("([0-9A-F]+): client=\\S+\\[127\\.0\\.0\\.2\\]\n").matcher(log);
        assertThat(first.find()).as(log).isTrue();
        assertThat(log).containsPattern("[0-9A-F]+: client=localhost\\[127\\.0\\.0\\.1\\], orig_queue_id="
                + first.group(1) + ", orig_client=\\S+\\[127\\.0\\.0\\.2\\]\n");
        // Each Received header, the filter's reinjection's too, says where the mail came from.
        assertThat(count(content, "Received: from client\\.example \\(\\S+ \\[127\\.0\\.0\\.2\\]\\)")).as(content)
                .isEqualTo(2);
    }

    @Test
    void aReinjectionServiceThatDoesNotTrustTheFilterRecordsTheFilter() throws Exception {
        startFilterSetup("");

        assertThat(sendFrom127002("alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");

        system.awaitDelivered("alice", 1);
        String log = system.maillog();
        // The reinjection refused the filter's XFORWARD (550): it records the filter as the client.
        assertThat(log).containsPattern("client=\\S+\\[127\\.0\\.0\\.1\\]");
    }

    @Test
    void xclientFromAnAuthorizedHostIsJudgedAsTheNamedClient() throws Exception {
        system = new MailSystemFixture(root)
                .set("smtpd_authorized_xclient_hosts", "127.0.0.0/8")
                .set("smtpd_client_restrictions", "check_client_access inline:{{ 192.0.2.7 = REJECT go away }}");
        system.start();

        var refused = MailSystemFixture.run(List.of(Tools.swaks(), "--server", "127.0.0.1:" + system.port(),
                "--helo", "proxy.example.org", "--xclient-addr", "192.0.2.7", "--xclient-name", "mail.example.com",
                "--from", "someone@example.org", "--to", "alice@example.test"), null);
        assertThat(refused.output()).contains("554 5.7.1 <mail.example.com[192.0.2.7]>: Client host rejected: go away");
        assertThat(system.maillog()).contains("NOQUEUE: reject: RCPT from mail.example.com[192.0.2.7]: 554 5.7.1"
                + " <mail.example.com[192.0.2.7]>: Client host rejected: go away");

        var accepted = MailSystemFixture.run(List.of(Tools.swaks(), "--server", "127.0.0.1:" + system.port(),
                "--helo", "proxy.example.org", "--xclient-addr", "192.0.2.8",
                "--from", "someone@example.org", "--to", "alice@example.test"), null);
        assertThat(accepted.exitCode()).as(accepted.output()).isZero();
        String content = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(content).contains("[192.0.2.8]");
    }

    @Test
    void xclientFromAHostNotListedIsRefused() throws Exception {
        system = new MailSystemFixture(root).set("smtpd_authorized_xclient_hosts", "127.0.0.9");
        system.start();

        var result = MailSystemFixture.run(List.of(Tools.swaks(), "--server", "127.0.0.1:" + system.port(),
                "--xclient-addr", "192.0.2.7", "--from", "someone@example.org", "--to", "alice@example.test"), null);
        assertThat(result.output()).contains("*** Host did not advertise XCLIENT").doesNotContain("MAIL FROM");
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO proxy.example.org");
            assertThat(smtp.command("XCLIENT ADDR=192.0.2.7")).isEqualTo("550 5.7.0 Error: insufficient authorization");
        }
    }
}
