package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import org.bulwark.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The home-server setup of SASL_README: a sender that relays everything through a provider's
 * submission port with STARTTLS and a login, against a second Bulwark as the provider, whose
 * submission service demands TLS and AUTH (its builtin passwd-file) before it relays anything.
 */
class SmarthostAuthTest {

    @TempDir
    Path dir;

    private MailSystemFixture smarthost;
    private MailSystemFixture sender;
    private int submission;
    private int cleartext;

    @BeforeEach
    void startSmarthost() throws Exception {
        smarthost = ProviderRelay.configured(dir);
        submission = MailSystemFixture.freePort();
        cleartext = MailSystemFixture.freePort();
        smarthost.startWithServices("""
                127.0.0.1:%d inet n       -       n       -       -       smtpd
                  -o syslog_name=postfix/submission
                  -o smtpd_tls_security_level=encrypt
                  -o smtpd_sasl_auth_enable=yes
                  -o smtpd_tls_auth_only=yes
                  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
                127.0.0.1:%d inet n       -       n       -       -       smtpd
                  -o syslog_name=postfix/cleartext
                  -o smtpd_tls_security_level=none
                  -o smtpd_sasl_auth_enable=yes
                  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
                """.formatted(submission, cleartext));
    }

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        smarthost.close();
    }

    /** The sender of SASL_README's example, relaying through the smarthost on {@code port}. */
    private void startSender(int port, String password, String... settings) throws Exception {
        sender = new MailSystemFixture(dir.resolve("sender"));
        Path passwd = sender.conf.resolve("sasl_passwd");
        Files.writeString(passwd, "# destination  credentials\n[127.0.0.1]:" + port + "  relay@example.test:" + password + "\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-------"));
        sender.set("relayhost", "[127.0.0.1]:" + port)
                .set("smtp_tls_security_level", "encrypt")
                .set("smtp_sasl_auth_enable", "yes")
                .set("smtp_sasl_tls_security_options", "noanonymous")
                .set("smtp_sasl_password_maps", "texthash:" + passwd);
        for (int i = 0; i < settings.length; i += 2) {
            sender.set(settings[i], settings[i + 1]);
        }
        sender.start();
    }

    private void send() throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(sender.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<carol@remote.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("From: <alice@example.test>\r\nSubject: via the smarthost\r\n\r\nHello.\r\n."))
                    .startsWith("250");
            c.command("QUIT");
        }
    }

    @Test
    void mailRelayedWithStartTlsAndALoginArrivesInTheSmarthostsMaildir() throws Exception {
        startSender(submission, "s3cret");
        send();

        List<Path> files = smarthost.awaitDelivered("carol", 1);
        assertThat(Files.readString(files.get(0))).contains("Subject: via the smarthost");
        assertThat(sender.awaitLog("status=sent")).containsPattern("to=<carol@remote.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                + submission + ", .*dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 Ok: queued as [0-9A-F]+\\)");
        // The strongest mechanism both sides know, over the TLS the sender required.
        assertThat(smarthost.awaitLog("sasl_username=relay@example.test"))
                .contains("sasl_method=SCRAM-SHA-256, sasl_username=relay@example.test");
        assertThat(smarthost.awaitLog(" commands=")).containsPattern(
                "postfix/submission/smtpd\\[\\d+\\]: disconnect from \\S+ ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1");
        assertThat(sender.maillog()).contains("TLS connection established to 127.0.0.1[127.0.0.1]:" + submission);
    }

    @Test
    void plainIsUsedWhereTheFilterLeavesOnlyIt() throws Exception {
        startSender(submission, "s3cret", "smtp_sasl_mechanism_filter", "plain");
        send();

        smarthost.awaitDelivered("carol", 1);
        assertThat(smarthost.awaitLog("sasl_username=relay@example.test"))
                .contains("sasl_method=PLAIN, sasl_username=relay@example.test");
    }

    @Test
    void aWrongPasswordDefersTheMailWithPostfixsLogLine() throws Exception {
        startSender(submission, "not-the-password");
        send();

        String log = sender.awaitLog("status=deferred");
        assertThat(log).containsPattern("to=<carol@remote.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + submission
                + ", .*dsn=4\\.7\\.8, status=deferred \\(SASL authentication failed; server 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]"
                + " said: 535 5\\.7\\.8 Error: authentication failed");
        assertThat(smarthost.awaitLog("authentication failed")).doesNotContain("sasl_username=relay@example.test");
        assertThat(smarthost.delivered("carol")).isEmpty();
    }

    @Test
    void noCredentialsCrossACleartextConnectionUnderNoplaintext() throws Exception {
        // The provider's cleartext port offers PLAIN and LOGIN (the sender's filter hides SCRAM, as
        // a server offering only those would); Postfix's default noplaintext keeps the password home.
        startSender(cleartext, "s3cret", "smtp_tls_security_level", "may", "smtp_sasl_mechanism_filter", "plain, login");
        send();

        String log = sender.awaitLog("status=deferred");
        assertThat(log).containsPattern("dsn=4\\.7\\.0, status=deferred \\(SASL authentication failed; cannot authenticate"
                + " to server 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]: no mechanism available\\)")
                .contains("warning: SASL authentication failure: No worthy mechs found");
        String smarthostLog = smarthost.awaitLog("postfix/cleartext/smtpd");
        String disconnect = smarthost.awaitLog(" commands=");
        assertThat(Pattern.compile("postfix/cleartext/smtpd\\[\\d+\\]: disconnect from [^\\n]* ehlo=1 quit=1 commands=2")
                .matcher(disconnect).find()).as(disconnect).isTrue();
        assertThat(smarthostLog).doesNotContain("auth=");
        assertThat(smarthost.delivered("carol")).isEmpty();
    }

    @Test
    void aPasswordMapOthersMayReadStopsTheStart() throws Exception {
        Path passwd = dir.resolve("loose_passwd");
        Files.writeString(passwd, "[127.0.0.1]:" + submission + " relay@example.test:s3cret\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
        sender = new MailSystemFixture(dir.resolve("sender"));
        sender.set("relayhost", "[127.0.0.1]:" + submission).set("smtp_sasl_auth_enable", "yes")
                .set("smtp_sasl_password_maps", "texthash:" + passwd);

        assertThatThrownBy(sender::start).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_sasl_password_maps = " + passwd).hasMessageContaining("chmod 600 " + passwd);
    }
}
