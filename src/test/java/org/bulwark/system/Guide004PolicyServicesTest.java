package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.bulwark.master.Master;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.Peers;
import org.bulwark.testing.SaslauthdPeer;
import org.bulwark.testing.Postgrey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guide 004's main.cf and master.cf as the guide presents them (the seed files), with a real
 * saslauthd behind {@code smtpd_sasl_type = cyrus}, the guide's spawn service running Debian's
 * postfix-policyd-spf-perl, and a real postgrey on the guide's {@code unix:postgrey/socket}.
 *
 * <p>What the test changes, and why: file paths point into the test's directories; the guide's
 * {@code submission} service listens on a free loopback port; the spawn argv names
 * /usr/sbin/postfix-policyd-spf-perl, where Debian installs the program the guide unpacks into
 * /usr/local/bin; the guide's three additions to smtpd_recipient_restrictions are merged into one
 * list, as a reader who adds them does (written one after another, the last would win), and its
 * indented {@code policy_time_limit} line becomes {@code policy-spf_time_limit} on a line of its
 * own; its login map {@code /^(.*)$/ ${1}} becomes {@code /^(.*)@example\.test$/ ${1}}, because
 * as written it names an owner for every sender, so that reject_sender_login_mismatch would refuse
 * all mail from outside ("553 5.7.1 ... not logged in", as Postfix would too).
 */
class Guide004PolicyServicesTest {

    /**
     * The client. The guide's reject_unknown_client_hostname wants a forward-confirmed name, which
     * on loopback only 127.0.0.1 (localhost) has; mynetworks names a network no test client is in,
     * so that it plays a host from outside.
     */
    private static final String OUTSIDE = "127.0.0.1";

    /** Besides the guides' shared names: the guide's own domain, whose MX is this host. */
    @RegisterExtension
    static final GuideZone dns = new GuideZone(zone -> zone
            .addMx("example.test", 10, "mail.example.test")
            .addA("mail.example.test", "127.0.0.1"));

    @TempDir
    Path root;

    /** saslauthd as the guide's Cyrus backend (rimap against a responder that knows alice). */
    private SaslauthdPeer saslauthd;
    private Master master;

    @AfterEach
    void stop() throws Exception {
        if (master != null) {
            master.close();
        }
        if (saslauthd != null) {
            saslauthd.close();
        }
    }

    private static Path seed(String file) {
        return GuideSystem.guide("guide-004").resolve(file);
    }

    @Test
    void theGuidesPolicyServicesAndSubmissionWorkAsTheGuideSays() throws Exception {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Postgrey postgrey = Postgrey.startUnix(root.resolve("postgrey"),
                root.resolve("node/var/spool/postgrey/socket"), 1)) {
            saslauthd = SaslauthdPeer.start(root.resolve("saslauthd"));
            Path mux = saslauthd.mux();
            MailSystemFixture system = new MailSystemFixture(root.resolve("node"))
                    .set("dns_servers", dns.address())
                    .set("mynetworks", "192.0.2.0/24")
                    .set("smtpd_relay_restrictions", null);
            int submission = MailSystemFixture.freePort();
            Path tls = Files.createDirectories(root.resolve("tls"));
            Path[] keyAndCert = OpensslCertificates.make(tls, "postfix", OpensslCertificates.KeyForm.RSA_PKCS8,
                    "mail.example.test");
            Path loginMaps = Files.writeString(root.resolve("login_maps.pcre"), "/^(.*)@example\\.test$/   ${1}\n");

            system.writeServices(Files.readString(seed("master.cf"))
                    // The seed keeps the web page's non-breaking spaces, which Bulwark reads as spaces.
                    .replaceFirst("(?m)^submission[\\s\u00a0]+inet", "127.0.0.1:" + submission + " inet")
                    .replace("/usr/local/bin/postfix-policyd-spf-perl", Peers.policydSpf()));
            GuideSystem.writeMainCf(system, "guide-004",
                    "smtpd_tls_cert_file = " + keyAndCert[1],
                    "smtpd_tls_key_file = " + keyAndCert[0],
                    "smtpd_sender_login_maps = pcre:" + loginMaps,
                    "smtpd_sasl_path = " + mux,
                    "smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination,\n"
                            + "    check_policy_service unix:private/policy-spf,\n"
                            + "    check_policy_service unix:postgrey/socket, permit",
                    "policy-spf_time_limit = 3600");
            master = Master.start(system.conf);

            // The telnet test from outside: no relaying for a stranger.
            assertThat(rcpt(system.port(), "friend@outside.example"))
                    .isEqualTo("454 4.7.1 <friend@outside.example>: Relay access denied");

            // Mail for us: policyd-spf (through the spawn service) and then postgrey, which defers the first try.
            assertThat(rcpt(system.port(), "alice@example.test")).isEqualTo("450 4.2.0 <alice@example.test>:"
                    + " Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.test.html");
            Thread.sleep(2_000);
            try (SmtpDialogue smtp = new SmtpDialogue(system.port(), OUTSIDE)) {
                assertThat(smtp.reply()).isEqualTo("220 mail.example.test ESMTP Why, hello there!");
                smtp.command("EHLO mail.remote.example");
                smtp.command("MAIL FROM:<a@remote.example>");
                assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("250 2.1.5 Ok");
                smtp.command("DATA");
                assertThat(smtp.command("Subject: Hello!\r\n\r\nHow have you been?\r\n.")).startsWith("250 2.0.0 Ok: queued as ");
            }
            String message = Files.readString(system.awaitDelivered("alice", 1).get(0));
            assertThat(message).contains("; none (SPF not checked for localhost)")
                    .containsPattern("\nX-Greylist: delayed \\d+ seconds by postgrey-");

            // Authenticated submission through saslauthd, after STARTTLS (smtpd_tls_auth_only = yes).
            var submitted = MailSystemFixture.run(List.of(Peers.swaks(), "--server", "127.0.0.1", "--port",
                    Integer.toString(submission), "--local-interface", OUTSIDE, "--ehlo", "mail.remote.example",
                    "--tls", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "wonderland",
                    "--from", "alice@example.test", "--to", "friend@outside.example", "--timeout", "20"), null);
            assertThat(submitted.output()).as(submitted.output()).contains("<~  235 2.7.0 Authentication successful")
                    .containsPattern("<~  250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
            assertThat(system.maillog()).contains("spawn service policy-spf listening on ")
                    .contains("command time limit 3600s").doesNotContain("exit status");
        }
    }

    /** EHLO, MAIL from a sender outside, RCPT; the RCPT reply (or the refusal before it). */
    private static String rcpt(int port, String recipient) throws Exception {
        return SmtpDialogue.rcpt(port, OUTSIDE, "mail.remote.example", "a@remote.example", recipient);
    }
}
