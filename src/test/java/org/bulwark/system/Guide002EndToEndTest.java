package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guide 002 ("Stop Letting Default Configs Ruin Your Reputation"): its main.cf as written, with
 * opportunistic TLS logged at level 1, {@code smtpd_relay_restrictions} ending in
 * {@code defer_unauth_destination}, the RBL block ending in {@code permit}, and its tuning lines.
 * The certificate names point into the test's directory; swaks plays the clients.
 */
class Guide002EndToEndTest {

    @RegisterExtension
    static final GuideZone dns = new GuideZone();

    @TempDir
    Path root;

    private GuideSystem guide;

    @BeforeEach
    void start() throws Exception {
        Path tls = Files.createDirectories(root.resolve("pki"));
        Path[] keyAndCert = OpensslCertificates.make(tls, "mail", KeyForm.RSA_PKCS8, "mail.yourdomain.no");
        guide = new GuideSystem(root, dns).start("guide-002",
                "smtpd_tls_cert_file = " + keyAndCert[1],
                "smtpd_tls_key_file = " + keyAndCert[0]);
    }

    @AfterEach
    void stop() {
        if (guide != null) {
            guide.close();
        }
    }

    private MailSystemFixture.ProcessResult swaks(String to, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.swaks(), "--server", "127.0.0.1", "--port",
                Integer.toString(guide.port()), "--local-interface", "127.0.0.2", "--ehlo", "mail.remote.example",
                "--from", "someone@remote.example", "--to", to, "--timeout", "20"));
        command.addAll(List.of(extra));
        return MailSystemFixture.run(command, null);
    }

    /** The restriction list the guide writes without indentation still reads as one list, with a warning per line. */
    @Test
    void theGuidesLinesLoadWithAWarningOnlyForItsUnindentedList() throws Exception {
        guide.system.awaitLog("daemon started");
        List<String> warnings = guide.warnings();
        assertThat(warnings).filteredOn(w -> w.contains("line does not start with white space")).hasSize(12);
        assertThat(warnings).filteredOn(w -> !w.contains("line does not start with white space"))
                .allMatch(w -> w.matches(".*main\\.cf, line \\d+: overriding earlier entry: (inet_interfaces|mynetworks"
                        + "|smtpd_tls_cert_file|smtpd_tls_key_file)=.*"), "overrides of the test's own lines")
                .hasSize(4);
    }

    /** defer_unauth_destination: the outside hears 454, a temporary refusal, as the guide's Postfix answers. */
    @Test
    void theTelnetRelayTestIsRefusedFromOutside() throws Exception {
        try (SmtpDialogue telnet = new SmtpDialogue(guide.port(), "127.0.0.2")) {
            assertThat(telnet.reply()).isEqualTo("220 mail.yourdomain.no ESMTP Bulwark");
            assertThat(telnet.command("EHLO test.com")).contains("250-STARTTLS").doesNotContain("AUTH");
            assertThat(telnet.command("MAIL FROM: <spammer@test.com>")).isEqualTo("250 2.1.0 Ok");
            assertThat(telnet.command("RCPT TO: <victim@yourdomain.no>"))
                    .isEqualTo("454 4.7.1 <victim@yourdomain.no>: Relay access denied");
        }
        assertThat(guide.rcpt("127.0.0.1", "localhost", "root@yourdomain.no", "victim@yourdomain.no"))
                .isEqualTo("250 2.1.5 Ok");
    }

    @Test
    void mailOverOpportunisticTlsIsDeliveredAndTheSessionLogged() throws Exception {
        var result = swaks("alice@example.test", "--tls");

        assertThat(result.exitCode()).as(result.output()).isZero();
        List<Path> delivered = guide.system.awaitDelivered("alice", 1);
        assertThat(Files.readString(delivered.get(0))).contains("from mail.remote.example (unknown [127.0.0.2])");
        assertThat(guide.system.awaitLog("Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1"))
                .containsPattern("Anonymous TLS connection established from unknown\\[127\\.0\\.0\\.2\\]: TLSv1\\.[23]"
                        + " with cipher \\S+ \\(\\d+/\\d+ bits\\)");
    }

    @Test
    void theHeavyHittersRefuseListedClientsAndTheRestIsPermitted() throws Exception {
        assertThat(guide.rcpt(GuideZone.LISTED_IN_ZEN, "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.10] blocked using zen.spamhaus.org;"
                        + " https://www.spamhaus.org/query/ip/127.0.0.10");
        assertThat(guide.rcpt(GuideZone.LISTED_IN_SPAMCOP, "mail.remote.example", "a@remote.example",
                "alice@example.test"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.11] blocked using bl.spamcop.net");
        assertThat(guide.rcpt("127.0.0.2", "blarghhh", "a@remote.example", "alice@example.test"))
                .isEqualTo("504 5.5.2 <blarghhh>: Helo command rejected: need fully-qualified hostname");
        assertThat(guide.rcpt("127.0.0.2", "mail.remote.example", "a@nowhere.example", "alice@example.test"))
                .isEqualTo("450 4.1.8 <a@nowhere.example>: Sender address rejected: Domain not found");
        assertThat(guide.rcpt("127.0.0.2", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("250 2.1.5 Ok");
    }
}
