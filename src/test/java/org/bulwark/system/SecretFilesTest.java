package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bulwark.cli.Bulwark;
import org.bulwark.config.ConfigException;
import org.bulwark.sasl.PasswordScheme;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private key or password file that other accounts can read, or its group can change, is
 * refused at start (and at reload), with the file, the main.cf line that names it and the fix;
 * the same file with mode 0600, or 0640 as {@code chmod o=} leaves it, is used.
 */
class SecretFilesTest {

    @TempDir
    Path root;

    private MailSystemFixture system;
    private Path key;
    private Path cert;
    private Process daemon;

    @BeforeEach
    void keys() throws Exception {
        system = new MailSystemFixture(root);
        Path[] files = OpensslCertificates.make(Files.createDirectories(root.resolve("tls")), "mail", KeyForm.RSA_PKCS8,
                "mail.example.test");
        key = files[0];
        cert = files[1];
    }

    @AfterEach
    void stop() throws Exception {
        system.close();
        if (daemon != null) {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTlsKeyReadableByOthersIsRefusedEvenWhereTlsIsOptional() throws Exception {
        mode(key, "rw-r--r--");
        system.set("smtpd_tls_security_level", "may").set("smtpd_tls_cert_file", cert.toString())
                .set("smtpd_tls_key_file", key.toString());

        assertThatThrownBy(system::start).isInstanceOf(ConfigException.class).hasMessageMatching(
                ".*main\\.cf, line \\d+: smtpd_tls_key_file = " + Pattern.quote(key.toString())
                        + ": the file is readable or writable by others, or writable by its group \\(rw-r--r--\\).*Fix: chmod 600 "
                        + Pattern.quote(key.toString()) + ".*");

        mode(key, "rw-------");
        system.start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.example")).contains("STARTTLS");
        }
    }

    @Test
    void aChainFileItsGroupCanChangeIsRefusedAndOneItsGroupCanReadIsUsed() throws Exception {
        Path chain = OpensslCertificates.chainFile(root.resolve("tls"), "chain", KeyForm.EC, "mail.example.test");
        mode(chain, "rw-rw----");
        system.set("smtpd_tls_security_level", "may").set("smtpd_tls_chain_files", chain.toString());

        assertThatThrownBy(system::start).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtpd_tls_chain_files = " + chain)
                .hasMessageContaining("(rw-rw----)").hasMessageContaining("chmod 600 " + chain);

        // The guides' "chmod o= key": shared with the file's group (Debian's ssl-cert), not with others.
        mode(chain, "rw-r-----");
        system.start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.example")).contains("STARTTLS");
        }
    }

    @Test
    void aDkimKeyReadableByOthersIsRefused() throws Exception {
        mode(key, "rw-r--r--");
        system.set("dkim_private_key", key.toString()).set("dkim_domain", "example.test");

        assertThatThrownBy(system::start).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dkim_private_key = " + key).hasMessageContaining("chmod 600 " + key);
    }

    @Test
    void aPasswordFileReadableByOthersIsRefused() throws Exception {
        Path passwd = system.conf.resolve("sasl-passwd");
        Files.writeString(passwd, "alice@example.test:" + PasswordScheme.SHA512_CRYPT.hash("wonderland") + "\n");
        mode(passwd, "rw-r--r--");
        system.set("smtpd_sasl_auth_enable", "yes").set("smtpd_sasl_path", "sasl-passwd");

        assertThatThrownBy(system::start).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtpd_sasl_path = " + passwd).hasMessageContaining("chmod 600 " + passwd);

        mode(passwd, "rw-------");
        system.start();
        String plain = java.util.Base64.getEncoder().encodeToString(
                "\0alice@example.test\0wonderland".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(smtp.command("AUTH PLAIN " + plain)).startsWith("235 ");
        }
        // Loosened while running: no login is checked against it any more.
        mode(passwd, "rw-r--r--");
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(smtp.command("AUTH PLAIN " + plain)).startsWith("454 4.7.0 ");
        }
        assertThat(system.awaitLog("chmod 600 " + passwd)).contains("readable or writable by others");
    }

    @Test
    void theDaemonSaysWhyWithoutAStackTraceAndAReloadKeepsTheOldKey() throws Exception {
        mode(key, "rw-r--r--");
        system.set("smtpd_tls_security_level", "may").set("smtpd_tls_cert_file", cert.toString())
                .set("smtpd_tls_key_file", key.toString());
        system.writeConfig();
        Process refused = system.startDaemon();
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(root.resolve("daemon.out"));
        assertThat(refused.exitValue()).as(output).isNotZero();
        assertThat(output).contains("chmod 600 " + key).doesNotContain("\tat org.bulwark");

        mode(key, "rw-------");
        daemon = system.startDaemon();
        system.awaitBanner().close();
        mode(key, "rw-rw-rw-");
        assertThat(Bulwark.commandLine().execute("-c", system.conf.toString(), "reload")).isZero();
        String log = system.awaitLog("chmod 600 " + key);
        assertThat(log).doesNotContain("reload -- version");
        // Still running, with the key it had.
        try (SmtpDialogue smtp = system.awaitBanner()) {
            assertThat(List.of(smtp.command("EHLO client.example").split("\n"))).contains("250-STARTTLS");
            smtp.command("QUIT");
        }
    }

    private static void mode(Path file, String mode) throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }
}
