package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bulwark.cli.Bulwark;
import org.bulwark.testing.Peers;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark reload} against the daemon: new certificates for new handshakes, no connection dropped. */
class ReloadTest {

    @TempDir
    Path root;
    private Process daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void reloadSwapsTheCertificateWithoutDroppingConnections() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        Path tls = Files.createDirectories(root.resolve("tls"));
        Path[] first = OpensslCertificates.make(tls, "mail", KeyForm.RSA_PKCS1, "mail.example.test");
        system.set("smtpd_tls_security_level", "may")
                .set("smtpd_tls_cert_file", first[1].toString())
                .set("smtpd_tls_key_file", first[0].toString());
        system.writeConfig();
        daemon = startDaemon(system);
        try (SmtpDialogue open = awaitBanner(system)) {
            assertThat(subject(system)).contains("CN = mail.example.test");
            Path[] renewed = OpensslCertificates.make(tls, "renewed", KeyForm.EC, "renewed.example.test");
            Files.copy(renewed[1], first[1], StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed[0], first[0], StandardCopyOption.REPLACE_EXISTING);
            assertThat(Bulwark.commandLine().execute("-c", system.conf.toString(), "reload")).isZero();
            system.awaitLog("reload -- version");
            assertThat(subject(system)).contains("CN = renewed.example.test");
            // The connection opened before the reload is still served.
            assertThat(open.command("EHLO client.example.net")).startsWith("250-mail.example.test");
        }
    }

    private static String subject(MailSystemFixture system) throws Exception {
        return MailSystemFixture.run(List.of(Peers.openssl(), "s_client", "-starttls", "smtp", "-connect",
                "127.0.0.1:" + system.port()), "QUIT\r\n").output();
    }

    private static Process startDaemon(MailSystemFixture system) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.bulwark.cli.Bulwark");
        command.add("-c");
        command.add(system.conf.toString());
        command.add("start-fg");
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(system.root.resolve("daemon.out").toFile()).start();
    }

    private static SmtpDialogue awaitBanner(MailSystemFixture system) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1");
                assertThat(smtp.reply()).startsWith("220 ");
                return smtp;
            } catch (java.net.ConnectException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("daemon did not listen: " + Files.readString(system.root.resolve("daemon.out")), e);
                }
                Thread.sleep(50);
            }
        }
    }
}
