package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smarthost on the SUBMISSIONS port (postconf(5) smtp_tls_wrappermode: "relayhost =
 * [mail.example.com]:submissions" with "smtp_tls_security_level = encrypt"): a sender whose SMTP
 * client speaks TLS from the first byte and logs in, against a second Bulwark whose submissions
 * service (smtpd_tls_wrappermode) relays only for logged-in clients.
 */
class SubmissionsSmarthostTest {

    @TempDir
    Path dir;

    private MailSystemFixture smarthost;
    private MailSystemFixture sender;
    private int submissions;

    @BeforeEach
    void startSmarthost() throws Exception {
        smarthost = ProviderRelay.configured(dir);
        submissions = MailSystemFixture.freePort();
        smarthost.startWithServices("""
                127.0.0.1:%d inet n       -       n       -       -       smtpd
                  -o syslog_name=postfix/submissions
                  -o smtpd_tls_wrappermode=yes
                  -o smtpd_sasl_auth_enable=yes
                  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
                """.formatted(submissions));
    }

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        smarthost.close();
    }

    /** A sender relaying everything to the smarthost's submissions port with a login; settings are main.cf's. */
    private MailSystemFixture sender(String... settings) throws Exception {
        sender = new MailSystemFixture(dir.resolve("sender"));
        Path passwd = sender.conf.resolve("sasl_passwd");
        Files.writeString(passwd, "[127.0.0.1]:" + submissions + "  relay@example.test:s3cret\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-------"));
        sender.set("relayhost", "[127.0.0.1]:" + submissions)
                .set("smtp_tls_security_level", "encrypt")
                .set("smtp_sasl_auth_enable", "yes")
                .set("smtp_sasl_tls_security_options", "noanonymous")
                .set("smtp_sasl_password_maps", "texthash:" + passwd);
        for (int i = 0; i < settings.length; i += 2) {
            sender.set(settings[i], settings[i + 1]);
        }
        return sender;
    }

    private void send() throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(sender.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<carol@remote.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("From: <alice@example.test>\r\nSubject: via submissions\r\n\r\nHello.\r\n."))
                    .startsWith("250");
            c.command("QUIT");
        }
    }

    private void assertArrivedOverTlsWithoutStarttls() throws Exception {
        assertThat(Files.readString(smarthost.awaitDelivered("carol", 1).get(0))).contains("Subject: via submissions");
        assertThat(sender.awaitLog("status=sent")).containsPattern("to=<carol@remote.test>, relay=127\\.0\\.0\\.1"
                + "\\[127\\.0\\.0\\.1\\]:" + submissions + ", .*dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 Ok")
                .contains("TLS connection established to 127.0.0.1[127.0.0.1]:" + submissions);
        assertThat(smarthost.awaitLog("sasl_username=relay@example.test")).contains("sasl_username=relay@example.test");
        // TLS from the first byte: one EHLO inside it, no STARTTLS.
        assertThat(smarthost.awaitLog(" commands=")).containsPattern(
                "postfix/submissions/smtpd\\[\\d+\\]: disconnect from \\S+ ehlo=1 auth=1 mail=1 rcpt=1 data=1");
    }

    @Test
    void mainCfWrappermodeRelaysOverTlsFromTheFirstByteWithALogin() throws Exception {
        sender("smtp_tls_wrappermode", "yes").start();
        send();

        assertArrivedOverTlsWithoutStarttls();
    }

    @Test
    void aMasterCfServiceWithWrappermodeRelaysWhileMainCfHasNone() throws Exception {
        sender("default_transport", "smtps")
                .service("""
                        smtps     unix  -       -       n       -       -       smtp
                          -o smtp_tls_wrappermode=yes""")
                .start();
        send();

        assertArrivedOverTlsWithoutStarttls();
    }

    @Test
    void withoutWrappermodeNothingIsSentInCleartextAndTheMailIsDeferred() throws Exception {
        // The client waits for a greeting that the server, waiting for a TLS hello, never sends.
        sender("smtp_helo_timeout", "2s").start();
        send();

        assertThat(sender.awaitLog("status=deferred")).containsPattern("to=<carol@remote.test>, relay=127\\.0\\.0\\.1"
                + "\\[127\\.0\\.0\\.1\\]:" + submissions + ", .*status=deferred \\(conversation with 127\\.0\\.0\\.1"
                + "\\[127\\.0\\.0\\.1\\] timed out while receiving the initial server greeting\\)");
        assertThat(smarthost.delivered("carol")).isEmpty();
        assertThat(smarthost.maillog()).doesNotContain("sasl_username");
    }

    @Test
    void wrappermodeBelowEncryptSkipsTheServerAsPostfixDoes() throws Exception {
        sender("smtp_tls_wrappermode", "yes", "smtp_tls_security_level", "may").start();
        send();

        String log = sender.awaitLog("status=deferred");
        assertThat(log).contains("warning: smtp_tls_wrappermode requires \"smtp_tls_security_level = encrypt\" (or stronger)")
                .containsPattern("to=<carol@remote.test>, relay=none, .*dsn=4\\.3\\.0, status=deferred \\(server"
                        + " unavailable or unable to receive mail\\)");
        assertThat(Pattern.compile("submissions/smtpd\\[\\d+\\]: connect from").matcher(smarthost.maillog()).find())
                .isFalse();
        assertThat(smarthost.delivered("carol")).isEmpty();
    }
}
