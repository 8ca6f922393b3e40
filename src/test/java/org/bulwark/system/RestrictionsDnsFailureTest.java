package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NXDOMAIN, SERVFAIL and no answer at all, over real SMTP: a name that does not exist is refused
 * with the configured code, a failure to find out is a 4xx whatever that code is, and a DNS list
 * that cannot be asked never lets a client through nor refuses it for good.
 */
class RestrictionsDnsFailureTest {

    private static TestDnsServer dns;

    @TempDir
    Path root;

    private MailSystemFixture system;

    @BeforeAll
    static void zone() throws IOException {
        dns = TestDnsServer.start()
                .addMx("remote.example", 10, "mx.remote.example")
                .addA("mx.remote.example", "192.0.2.25")
                .addA("mail.remote.example", "192.0.2.10")
                .servfail("broken.example")
                .silence("slow.example")
                .servfail("3.0.0.127.bl.example")
                .silence("4.0.0.127.bl.example");
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    private void start(String... settings) throws IOException {
        system = new MailSystemFixture(root)
                .set("dns_servers", dns.address())
                .set("dns_timeout", "1s")
                .set("dns_attempts", "1");
        for (int i = 0; i < settings.length; i += 2) {
            system.set(settings[i], settings[i + 1]);
        }
        system.start();
    }

    private String rcpt(String from, String helo, String sender) throws Exception {
        return SmtpDialogue.rcpt(system.port(), from, helo, sender, "alice@example.test");
    }

    @Test
    void senderDomainNxdomainIsRefusedButFailuresAreDeferred() throws Exception {
        start("smtpd_sender_restrictions", "reject_unknown_sender_domain", "unknown_address_reject_code", "550");

        assertThat(rcpt("127.0.0.2", "mail.remote.example", "a@nowhere.example"))
                .isEqualTo("550 5.1.8 <a@nowhere.example>: Sender address rejected: Domain not found");
        assertThat(rcpt("127.0.0.2", "mail.remote.example", "a@broken.example"))
                .isEqualTo("450 4.1.8 <a@broken.example>: Sender address rejected: Domain not found");
        assertThat(rcpt("127.0.0.2", "mail.remote.example", "a@slow.example"))
                .isEqualTo("450 4.1.8 <a@slow.example>: Sender address rejected: Domain not found");
        assertThat(rcpt("127.0.0.2", "mail.remote.example", "a@remote.example")).isEqualTo("250 2.1.5 Ok");
    }

    @Test
    void dnsListThatCannotBeAskedDefers() throws Exception {
        start("smtpd_client_restrictions", "reject_rbl_client bl.example");

        assertThat(rcpt("127.0.0.2", "mail.remote.example", "a@remote.example")).isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt("127.0.0.3", "mail.remote.example", "a@remote.example")).isEqualTo(
                "450 4.7.1 Service unavailable; Client host [127.0.0.3] not checked: DNS lookup in bl.example"
                        + " failed temporarily");
        assertThat(rcpt("127.0.0.4", "mail.remote.example", "a@remote.example")).isEqualTo(
                "450 4.7.1 Service unavailable; Client host [127.0.0.4] not checked: DNS lookup in bl.example"
                        + " failed temporarily");
        assertThat(system.awaitLog("warning: DNS lookup in bl.example failed: SERVFAIL")).isNotEmpty();
    }

    /** Without smtpd_delay_reject, the HELO reply itself refuses; a failure still waits for RCPT. */
    @Test
    void unknownHeloIsRefusedAtEhloWithoutDelayReject() throws Exception {
        start("smtpd_delay_reject", "no", "smtpd_helo_restrictions", "reject_unknown_helo_hostname",
                "unknown_hostname_reject_code", "550");

        assertThat(rcpt("127.0.0.2", "blarghhh", "a@remote.example"))
                .isEqualTo("550 5.7.1 <blarghhh>: Helo command rejected: Host not found");
        assertThat(rcpt("127.0.0.2", "broken.example", "a@remote.example"))
                .isEqualTo("450 4.7.1 <broken.example>: Helo command rejected: Host not found");
        assertThat(rcpt("127.0.0.2", "mail.remote.example", "a@remote.example")).isEqualTo("250 2.1.5 Ok");
    }

    /** The cache serves the second client: the zone is asked once for what it already answered. */
    @Test
    void repeatedChecksAreAnsweredFromTheCache() throws Exception {
        start("smtpd_sender_restrictions", "reject_unknown_sender_domain");
        assertThat(rcpt("127.0.0.2", "mail.remote.example", "a@remote.example")).isEqualTo("250 2.1.5 Ok");
        int asked = dns.queryCount();

        assertThat(rcpt("127.0.0.2", "mail.remote.example", "b@remote.example")).isEqualTo("250 2.1.5 Ok");

        assertThat(dns.queryCount()).isEqualTo(asked);
    }
}
