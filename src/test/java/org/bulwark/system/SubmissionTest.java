package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.master.Master;
import org.bulwark.sasl.PasswordScheme;
import org.bulwark.testing.DovecotPeer;
import org.bulwark.testing.Peers;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guides' submission setup end to end: port 25 with opportunistic STARTTLS, a
 * {@code submission} service (587) that requires STARTTLS and AUTH, an {@code smtps} service
 * (465) in wrapper mode, driven by swaks, openssl s_client and Python's smtplib. Clients connect
 * from 127.0.0.2, outside mynetworks, so only a SASL login lets them relay.
 */
class SubmissionTest {

    @TempDir
    Path root;
    MailSystemFixture system;
    Master master;
    int submission;
    int smtps;
    Path certFile;

    @BeforeEach
    void setUp() throws Exception {
        system = new MailSystemFixture(root);
        Path tls = Files.createDirectories(root.resolve("tls"));
        Path[] files = OpensslCertificates.make(tls, "mail", KeyForm.RSA_PKCS8, "mail.example.test");
        certFile = files[1];
        Files.writeString(system.conf.resolve("sasl-passwd"),
                "alice@example.test:" + OpensslCertificates.run(Peers.doveadm(), "pw", "-s", "SHA512-CRYPT", "-p",
                        "wonderland").strip() + "\n"
                + "bob@example.test:" + PasswordScheme.ARGON2ID.hash("builder") + "\n");
        Files.setPosixFilePermissions(system.conf.resolve("sasl-passwd"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        system.set("smtpd_tls_security_level", "may")
                .set("smtpd_tls_cert_file", files[1].toString())
                .set("smtpd_tls_key_file", files[0].toString())
                .set("smtpd_tls_auth_only", "yes")
                .set("smtpd_tls_loglevel", "1")
                .set("smtpd_tls_received_header", "yes")
                .set("smtpd_sasl_auth_enable", "yes")
                .set("smtpd_sasl_type", "builtin")
                .set("smtpd_sasl_path", "sasl-passwd")
                .set("smtpd_relay_restrictions", "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination");
        submission = MailSystemFixture.freePort();
        smtps = MailSystemFixture.freePort();
    }

    /** Writes the configuration with Postfix's stock submission and smtps entries, then starts. */
    void start() throws Exception {
        system.writeConfig();
        Path masterCf = system.conf.resolve("master.cf");
        Files.writeString(masterCf, Files.readString(masterCf) + """
                127.0.0.1:%d inet n       -       n       -       -       smtpd
                  -o syslog_name=postfix/submission
                  -o smtpd_tls_security_level=encrypt
                  -o smtpd_sasl_auth_enable=yes
                  -o smtpd_tls_auth_only=yes
                  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
                127.0.0.1:%d inet n       -       n       -       -       smtpd
                  -o syslog_name=postfix/smtps
                  -o smtpd_tls_wrappermode=yes
                  -o smtpd_sasl_auth_enable=yes
                  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
                """.formatted(submission, smtps));
        master = Master.start(system.conf);
    }

    @AfterEach
    void tearDown() {
        if (master != null) {
            master.close();
        }
    }

    MailSystemFixture.ProcessResult swaks(int port, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.swaks(), "--server", "127.0.0.1", "--port",
                Integer.toString(port), "--local-interface", "127.0.0.2", "--from", "alice@example.test",
                "--to", "friend@outside.example", "--timeout", "20"));
        command.addAll(List.of(extra));
        return MailSystemFixture.run(command, null);
    }

    @Test
    void swaksOverStartTlsWithAuthPlainAndLoginRelaysOutside() throws Exception {
        start();
        for (String mechanism : List.of("PLAIN", "LOGIN")) {
            var result = swaks(submission, "--tls", "--auth", mechanism, "--auth-user", "alice@example.test",
                    "--auth-password", "wonderland");
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("<~  235 2.7.0 Authentication successful")
                    .containsPattern("<~  250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
        }
        String log = system.awaitLog("sasl_method=LOGIN, sasl_username=alice@example.test");
        assertThat(log).containsPattern("client=unknown\\[127\\.0\\.0\\.2\\], sasl_method=PLAIN, "
                + "sasl_username=alice@example.test");
        // -o syslog_name=postfix/submission names that service's lines, as in Postfix
        assertThat(log).containsPattern(" postfix/submission/smtpd\\[\\d+\\]: [0-9A-F]+: client=unknown\\[127\\.0\\.0\\.2\\]");
    }

    @Test
    void withoutAuthRelayingIsRefused() throws Exception {
        start();
        var result = swaks(submission, "--tls");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("<~* 554 5.7.1 <friend@outside.example>: Recipient address rejected: Access denied");
    }

    @Test
    void submissionRefusesMailBeforeStartTls() throws Exception {
        start();
        var result = swaks(submission, "--auth", "PLAIN", "--auth-user", "alice@example.test",
                "--auth-password", "wonderland");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).doesNotContain("250-AUTH").contains("Host did not advertise authentication");
    }

    @Test
    void withoutTlsAuthIsNotOfferedWhenTlsAuthOnly() throws Exception {
        start();
        var plain = swaks(system.port(), "--quit-after", "EHLO");
        assertThat(plain.output()).contains("250-STARTTLS").doesNotContain("AUTH");
        var encrypted = swaks(system.port(), "--tls", "--quit-after", "EHLO");
        assertThat(encrypted.output()).contains("<~  250-AUTH SCRAM-SHA-256 PLAIN LOGIN");
    }

    @Test
    void wrongPasswordIs535AndLogged() throws Exception {
        start();
        var result = swaks(submission, "--tls", "--auth", "LOGIN", "--auth-user", "alice@example.test",
                "--auth-password", "looking-glass");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("<~* 535 5.7.8 Error: authentication failed");
        system.awaitLog("warning: unknown[127.0.0.2]: SASL LOGIN authentication failed: authentication failure");
    }

    @Test
    void authAttemptsBeyondTheClientAuthRateLimitAreRefused() throws Exception {
        system.set("smtpd_client_auth_rate_limit", "2");
        start();
        for (int attempt = 1; attempt <= 2; attempt++) {
            var result = swaks(submission, "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.test",
                    "--auth-password", "guess-" + attempt);
            assertThat(result.output()).contains("<~* 535 5.7.8 Error: authentication failed");
        }
        var third = swaks(submission, "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.test",
                "--auth-password", "wonderland");
        assertThat(third.output()).contains("<~* 450 4.7.1 Error: too many AUTH commands from 127.0.0.2");
    }

    @Test
    void startTlsBeyondTheNewTlsSessionRateLimitIsRefused() throws Exception {
        system.set("smtpd_client_new_tls_session_rate_limit", "1");
        start();
        var first = swaks(submission, "--tls", "--quit-after", "EHLO");
        assertThat(first.output()).contains("<~  250-AUTH");
        var second = swaks(submission, "--tls", "--quit-after", "EHLO");
        assertThat(second.output()).contains("<** 454 4.7.0 Error: too many new TLS sessions from 127.0.0.2");
    }

    @Test
    void opensslCompletesTls13OverStartTlsAndOnTheWrapperPort() throws Exception {
        start();
        var starttls = MailSystemFixture.run(List.of(Peers.openssl(), "s_client", "-brief", "-starttls", "smtp",
                "-connect", "127.0.0.1:" + submission, "-servername", "mail.example.test", "-ign_eof"), "QUIT\r\n");
        assertThat(starttls.output()).contains("Protocol version: TLSv1.3").contains("221 2.0.0 Bye");
        var wrapper = MailSystemFixture.run(List.of(Peers.openssl(), "s_client", "-brief",
                "-connect", "127.0.0.1:" + smtps, "-servername", "mail.example.test", "-ign_eof"), "QUIT\r\n");
        assertThat(wrapper.output()).contains("Protocol version: TLSv1.3").contains("220 mail.example.test ESMTP")
                .contains("221 2.0.0 Bye");
    }

    @Test
    void tls10And11AndWeakCiphersAreRefused() throws Exception {
        start();
        for (List<String> weak : List.of(List.of("-tls1"), List.of("-tls1_1"),
                List.of("-tls1_2", "-cipher", "NULL-SHA256:ADH-AES128-SHA:ADH-AES256-GCM-SHA384@SECLEVEL=0"))) {
            List<String> command = new ArrayList<>(List.of(Peers.openssl(), "s_client", "-brief", "-starttls", "smtp",
                    "-connect", "127.0.0.1:" + submission));
            command.addAll(weak);
            if (weak.size() == 1) {
                command.addAll(List.of("-cipher", "DEFAULT@SECLEVEL=0"));
            }
            var result = MailSystemFixture.run(command, "QUIT\r\n");
            assertThat(result.exitCode()).as(weak + ": " + result.output()).isNotZero();
            assertThat(result.output()).as(weak.toString()).doesNotContain("Protocol version").doesNotContain("221 2.0.0");
        }
        String log = system.awaitLog("no cipher suites in common");
        assertThat(log).containsPattern("SSL_accept error from \\S+\\[127\\.0\\.0\\.1\\]: .*TLSv1 is not enabled")
                .containsPattern("SSL_accept error from \\S+\\[127\\.0\\.0\\.1\\]: .*TLSv1\\.1 is not enabled");
    }

    @Test
    void pythonSmtplibSubmitsOverTheWrapperPortAndTheReceivedHeaderShowsTls() throws Exception {
        start();
        var result = MailSystemFixture.run(List.of(Peers.python3(), "-c", """
                import smtplib, ssl, sys
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                with smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), context=context,
                                      source_address=("127.0.0.2", 0)) as s:
                    s.login("bob@example.test", "builder")
                    s.sendmail("bob@example.test", ["alice@example.test"],
                               "Subject: via smtps\\r\\n\\r\\nhello\\r\\n")
                print("sent")
                """, Integer.toString(smtps)), null);
        assertThat(result.output()).contains("sent");
        assertThat(result.exitCode()).isZero();
        String log = system.awaitLog("sasl_username=bob@example.test");
        assertThat(log).contains("Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1.3 with cipher");
    }

    @Test
    void theDeliveredMessageCarriesPostfixsTlsReceivedHeader() throws Exception {
        system.writeConfig();
        start();
        master.close();
        master = null;
        // With a queue manager this time, so the message reaches the Maildir.
        system.writeConfig();
        Path masterCf = system.conf.resolve("master.cf");
        Files.writeString(masterCf, Files.readString(masterCf) + """
                127.0.0.1:%d inet n       -       n       -       -       smtpd
                  -o smtpd_tls_security_level=encrypt
                  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
                """.formatted(submission));
        master = Master.start(system.conf);
        var result = swaks(submission, "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.test",
                "--auth-password", "wonderland", "--to", "bob@example.test");
        assertThat(result.exitCode()).as(result.output()).isZero();
        Path message = system.awaitDelivered("bob", 1).get(0);
        String text = Files.readString(message, StandardCharsets.UTF_8);
        assertThat(text).containsPattern("Received: from [^\\n]+ \\(unknown \\[127\\.0\\.0\\.2\\]\\)\\n"
                + "\\t\\(using TLSv1\\.3 with cipher TLS_\\w+ \\(\\d+/\\d+ bits\\)\\)\\n"
                + "\\t\\(No client certificate requested\\)\\n"
                + "\\tby mail\\.example\\.test \\(Bulwark\\) with ESMTPSA id [0-9A-F]+");
    }

    @Test
    void dovecotAsTheBackend() throws Exception {
        Path passwd = root.resolve("dovecot-users");
        Files.writeString(passwd, "carol@example.test:" + OpensslCertificates.run(Peers.doveadm(), "pw", "-s",
                "BLF-CRYPT", "-p", "chess").strip() + "\n");
        Path socket = system.var.resolve("spool/private/auth");
        try (DovecotPeer dovecot = DovecotPeer.start(root.resolve("dovecot"), passwd, socket)) {
            system.set("smtpd_sasl_type", "dovecot").set("smtpd_sasl_path", "private/auth");
            start();
            var ok = swaks(submission, "--tls", "--auth", "PLAIN", "--auth-user", "carol@example.test",
                    "--auth-password", "chess", "--from", "carol@example.test");
            assertThat(ok.exitCode()).as(ok.output()).isZero();
            var bad = swaks(submission, "--tls", "--auth", "LOGIN", "--auth-user", "carol@example.test",
                    "--auth-password", "checkers");
            assertThat(bad.output()).contains("<~* 535 5.7.8");
        }
    }

    @Test
    void senderLoginMapsKeepAUserToHerOwnAddresses() throws Exception {
        Files.writeString(system.conf.resolve("sender-logins.pcre"), "/^(.*)$/ ${1}\n");
        system.set("smtpd_sender_login_maps", "pcre:" + system.conf.resolve("sender-logins.pcre"))
                .set("smtpd_sender_restrictions", "reject_sender_login_mismatch");
        start();
        var own = swaks(submission, "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.test",
                "--auth-password", "wonderland");
        assertThat(own.exitCode()).as(own.output()).isZero();
        var forged = swaks(submission, "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.test",
                "--auth-password", "wonderland", "--from", "bob@example.test");
        assertThat(forged.output()).contains("<~* 553 5.7.1 <bob@example.test>: Sender address rejected: "
                + "not owned by user alice@example.test");
    }

    @Test
    void reloadServesANewCertificateToNewConnections() throws Exception {
        start();
        Path tls = root.resolve("tls");
        Path[] renewed = OpensslCertificates.make(tls, "renewed", KeyForm.EC, "renewed.example.test");
        Files.copy(renewed[1], certFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed[0], tls.resolve("mail.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(master.reload()).isEmpty();
        var after = MailSystemFixture.run(List.of(Peers.openssl(), "s_client", "-starttls", "smtp",
                "-connect", "127.0.0.1:" + submission), "QUIT\r\n");
        assertThat(after.output()).contains("CN = renewed.example.test");
    }
}
