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
 * FILTER_README's after-queue content filter, end to end: mail goes from the queue to a filter
 * on a loopback port (content_filter, or an access(5) FILTER action), the filter adds a header and
 * sends it back into a second smtpd with {@code -o content_filter=}, and that copy is delivered,
 * once, without passing through the filter again.
 */
class ContentFilterTest {

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

    /** The reinjection service of FILTER_README, as the guides write it. */
    private static String reinjection(int port) {
        return reinjection(port, "");
    }

    private static String reinjection(int port, String moreOptions) {
        return "127.0.0.1:" + port + " inet n - n - - smtpd -o content_filter="
                + " -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks"
                + " -o smtpd_recipient_restrictions=permit_mynetworks,reject -o mynetworks=127.0.0.0/8"
                + moreOptions + "\n";
    }

    private String send(String sender, String recipient, String subject) throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            smtp.command("MAIL FROM:<" + sender + ">");
            assertThat(smtp.command("RCPT TO:<" + recipient + ">")).startsWith("250 ");
            smtp.command("DATA");
            String reply = smtp.command("Subject: " + subject + "\r\n\r\nbody\r\n.");
            smtp.command("QUIT");
            return reply;
        }
    }

    private static int count(String text, String what) {
        return (int) Pattern.compile(Pattern.quote(what)).matcher(text).results().count();
    }

    @Test
    void contentFilterSendsEveryMessageThroughTheFilterOnce() throws Exception {
        int reinjectionPort = MailSystemFixture.freePort();
        filter = new ContentFilterProxy(reinjectionPort);
        system = new MailSystemFixture(root).set("content_filter", "smtp:[127.0.0.1]:" + filter.port());
        system.startWithServices(reinjection(reinjectionPort));

        assertThat(send("someone@client.example", "alice@example.test", "filtered")).startsWith("250 2.0.0 Ok: queued as ");

        Path message = system.awaitDelivered("alice", 1).get(0);
        String content = Files.readString(message);
        assertThat(count(content, "X-Filtered: yes")).as(content).isEqualTo(1);
        assertThat(content).contains("Subject: filtered");
        // The filter hands the message back before it answers 250 (and records it), so the
        // reinjected copy may be delivered before the filter's own delivery is done.
        String log = system.awaitLog("status=sent (250 2.0.0 Ok: filtered)");
        assertThat(filter.passed()).as("messages through the filter").hasSize(1);
        assertThat(filter.passed().get(0).recipients()).containsExactly("alice@example.test");
        assertThat(log).containsPattern("to=<alice@example.test>, relay=127.0.0.1\\[127.0.0.1\\]:" + filter.port()
                + ", delay=[^,]+, delays=[^,]+, dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 Ok: filtered\\)");
    }

    @Test
    void filterFromASenderAccessTableFiltersOnlyThatSender() throws Exception {
        int reinjectionPort = MailSystemFixture.freePort();
        filter = new ContentFilterProxy(reinjectionPort);
        system = new MailSystemFixture(root).set("smtpd_sender_restrictions",
                "check_sender_access inline:{{ scanned@client.example = FILTER smtp:[127.0.0.1]:" + filter.port() + " }}");
        // FILTER_README empties the restrictions of the reinjection service; a FILTER action
        // there would send the filtered mail back to the filter.
        system.startWithServices(reinjection(reinjectionPort, " -o smtpd_sender_restrictions="));

        assertThat(send("scanned@client.example", "alice@example.test", "from scanned")).startsWith("250 2.0.0 Ok");
        assertThat(send("plain@client.example", "bob@example.test", "from plain")).startsWith("250 2.0.0 Ok");

        String scanned = Files.readString(system.awaitDelivered("alice", 1).get(0));
        String plain = Files.readString(system.awaitDelivered("bob", 1).get(0));
        assertThat(count(scanned, "X-Filtered: yes")).isEqualTo(1);
        assertThat(plain).contains("Subject: from plain").doesNotContain("X-Filtered");
        assertThat(filter.passed()).extracting(ContentFilterProxy.Passed::sender).containsExactly("scanned@client.example");
        assertThat(system.maillog()).contains("NOQUEUE: filter: RCPT from localhost[127.0.0.1]: <scanned@client.example>: "
                + "Sender address triggers FILTER smtp:[127.0.0.1]:" + filter.port());
    }

    @Test
    void pickupAppliesItsContentFilterToSendmailSubmissions() throws Exception {
        int reinjectionPort = MailSystemFixture.freePort();
        filter = new ContentFilterProxy(reinjectionPort);
        system = new MailSystemFixture(root).set("content_filter", "smtp:[127.0.0.1]:" + filter.port());
        system.startWithServices(reinjection(reinjectionPort));

        var in = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("Subject: from sendmail\n\nhello\n".getBytes()));
            int exit = org.bulwark.cli.Bulwark.commandLine().execute("sendmail", "-c", system.conf.toString(),
                    "-f", "root@example.test", "bob@example.test");
            assertThat(exit).isZero();
        } finally {
            System.setIn(in);
        }

        String content = Files.readString(system.awaitDelivered("bob", 1).get(0));
        assertThat(count(content, "X-Filtered: yes")).isEqualTo(1);
        system.awaitLog("status=sent (250 2.0.0 Ok: filtered)"); // the filter records it after the reinjection
        assertThat(filter.passed()).extracting(ContentFilterProxy.Passed::recipients)
                .containsExactly(List.of("bob@example.test"));
    }

    @Test
    void aFilterTransportThatNoServiceDeliversWithIsRefusedAtStart() throws Exception {
        system = new MailSystemFixture(root).set("content_filter", "scan:[127.0.0.1]:10025");

        org.assertj.core.api.Assertions.assertThatThrownBy(system::start)
                .isInstanceOf(org.bulwark.config.ConfigException.class)
                .hasMessageContaining("main.cf, line ")
                .hasMessageContaining("content_filter = scan:[127.0.0.1]:10025: no master.cf service delivers with"
                        + " transport \"scan\"");
    }
}
