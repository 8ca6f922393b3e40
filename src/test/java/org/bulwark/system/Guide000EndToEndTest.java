package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.testing.DovecotPeer;
import org.bulwark.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guide 000 (CentOS 5, "Postfix Survival Guide"): its main.cf as written, a real Dovecot serving
 * the auth socket the guide's dovecot.conf puts at {@code /var/spool/postfix/private/auth} (here:
 * {@code private/auth} under the test's queue directory), and the guide's checks over SMTP: the
 * banner it sets, its telnet test refused from outside mynetworks, a SASL login through Dovecot
 * that relays, and the restriction block's HELO, sender and RBL refusals.
 */
class Guide000EndToEndTest {

    @RegisterExtension
    static final GuideZone dns = new GuideZone();

    @TempDir
    Path root;

    private GuideSystem guide;
    private DovecotPeer dovecot;
    private FakeSmtpServer remote;

    @BeforeEach
    void start() throws Exception {
        dovecot = GuideSystem.startDovecot(root, "alice@example.no");
        remote = FakeSmtpServer.start(FakeSmtpServer.options());
        guide = new GuideSystem(root, dns).start("guide-000",
                "relayhost = [127.0.0.1]:" + remote.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (guide != null) {
            guide.close();
        }
        if (remote != null) {
            remote.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @Test
    void theGuidesTelnetTestIsRefusedFromOutsideAndTheBannerIsTheGuides() throws Exception {
        try (SmtpDialogue telnet = new SmtpDialogue(guide.port(), "127.0.0.2")) {
            assertThat(telnet.reply()).isEqualTo("220 mail.example.no ESMTP Bulwark");
            assertThat(telnet.command("EHLO test.com")).startsWith("250-mail.example.no");
            assertThat(telnet.command("MAIL FROM: <spammer@test.com>")).isEqualTo("250 2.1.0 Ok");
            assertThat(telnet.command("RCPT TO: <victim@example.no>"))
                    .isEqualTo("454 4.7.1 <victim@example.no>: Relay access denied");
            assertThat(telnet.command("DATA")).isEqualTo("554 5.5.1 Error: no valid recipients");
        }
        guide.system.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 454 4.7.1 <victim@example.no>:"
                + " Relay access denied; from=<spammer@test.com> to=<victim@example.no> proto=ESMTP helo=<test.com>");
    }

    /** Every line of the guide takes effect: the only warnings are for the lines the test overrides. */
    @Test
    void theGuidesLinesLoadWithoutAWarning() throws Exception {
        guide.system.awaitLog("daemon started");
        assertThat(guide.warnings()).allMatch(w -> w.matches(".*main\\.cf, line \\d+: overriding earlier entry:"
                + " (inet_interfaces=all|mynetworks=127\\.0\\.0\\.0/8)"), "overrides of the test's own lines")
                .hasSize(2);
    }

    @Test
    void theServerItselfRelaysWithoutAuthentication() throws Exception {
        assertThat(guide.rcpt("127.0.0.1", "localhost", "root@example.no", "victim@example.no"))
                .isEqualTo("250 2.1.5 Ok");
    }

    @Test
    void aDovecotLoginFromOutsideRelaysAndTheMessageIsDelivered() throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(guide.port(), "127.0.0.2")) {
            smtp.reply();
            // broken_sasl_auth_clients = yes: the AUTH= line old Outlook versions look for, too.
            assertThat(smtp.command("EHLO client.remote.example").lines())
                    .contains("250-AUTH PLAIN LOGIN", "250-AUTH=PLAIN LOGIN");
            assertThat(smtp.command("AUTH PLAIN " + GuideSystem.plain("alice@example.no", "looking-glass")))
                    .startsWith("535 5.7.8 Error: authentication failed");
            assertThat(smtp.command("AUTH PLAIN " + GuideSystem.plain("alice@example.no", "wonderland")))
                    .isEqualTo("235 2.7.0 Authentication successful");
            assertThat(smtp.command("MAIL FROM:<alice@example.no>")).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<friend@remote.example>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            assertThat(smtp.command("Subject: from the road\r\n\r\nSent through Dovecot's login.\r\n."))
                    .matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
        }
        var message = remote.awaitMessages(1).get(0);
        assertThat(message.mailFrom()).startsWith("<alice@example.no>");
        assertThat(message.recipients()).containsExactly("friend@remote.example");
        assertThat(message.content()).contains("Sent through Dovecot's login.");
        String log = guide.system.awaitLog("status=sent");
        assertThat(log).contains("client=unknown[127.0.0.2], sasl_method=PLAIN, sasl_username=alice@example.no")
                .contains("warning: unknown[127.0.0.2]: SASL PLAIN authentication failed");
    }

    @Test
    void anonymousLoginIsNotOffered() throws Exception {
        // smtpd_sasl_security_options = noanonymous
        try (SmtpDialogue smtp = new SmtpDialogue(guide.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO client.remote.example");
            assertThat(smtp.command("AUTH ANONYMOUS")).startsWith("504 5.5.4 ");
        }
    }

    @Test
    void theRestrictionBlockRefusesBadHelosSendersAndListedClients() throws Exception {
        String outside = "127.0.0.2";
        assertThat(guide.rcpt(outside, "blarghhh", "a@remote.example", "postmaster@mail.example.no"))
                .isEqualTo("504 5.5.2 <blarghhh>: Helo command rejected: need fully-qualified hostname");
        assertThat(guide.rcpt(outside, "bad_name!.example", "a@remote.example", "postmaster@mail.example.no"))
                .isEqualTo("501 5.5.2 <bad_name!.example>: Helo command rejected: Invalid name");
        assertThat(guide.rcpt(outside, "mail.remote.example", "spammer@test", "postmaster@mail.example.no"))
                .isEqualTo("504 5.5.2 <spammer@test>: Sender address rejected: need fully-qualified address");
        // As in Postfix, a sender without a domain is checked as the client wrote it: @$myorigin
        // is appended to what gets queued, not to what the restrictions judge.
        assertThat(guide.rcpt(outside, "mail.remote.example", "spammer", "postmaster@mail.example.no"))
                .isEqualTo("504 5.5.2 <spammer>: Sender address rejected: need fully-qualified address");
        assertThat(guide.system.awaitLog("<spammer>: Sender address rejected"))
                .contains("; from=<spammer> to=<postmaster@mail.example.no> proto=ESMTP");
        assertThat(guide.rcpt(outside, "mail.remote.example", "a@nowhere.example", "postmaster@mail.example.no"))
                .isEqualTo("450 4.1.8 <a@nowhere.example>: Sender address rejected: Domain not found");
        assertThat(guide.rcpt(GuideZone.LISTED_IN_ZEN, "mail.remote.example", "a@remote.example",
                "postmaster@mail.example.no"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.10] blocked using zen.spamhaus.org;"
                        + " https://www.spamhaus.org/query/ip/127.0.0.10");
        assertThat(guide.rcpt(GuideZone.LISTED_IN_SPAMCOP, "mail.remote.example", "a@remote.example",
                "postmaster@mail.example.no"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.11] blocked using bl.spamcop.net");
        assertThat(guide.rcpt(outside, "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("250 2.1.5 Ok");
    }
}
