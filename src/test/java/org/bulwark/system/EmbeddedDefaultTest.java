package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.bulwark.master.Master;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration shipped in conf/, as the README's first command runs it (on a free port
 * instead of 2525): mail for its mailboxes and aliases lands in var/ beside conf/.
 */
class EmbeddedDefaultTest {

    @TempDir
    Path root;

    @Test
    void shippedConfigurationDeliversToItsMailboxesAndAliases() throws Exception {
        int port = copyShippedConfiguration();

        try (Master master = Master.start(root.resolve("conf"))) {
            try (SmtpDialogue smtp = new SmtpDialogue(port, "127.0.0.1")) {
                assertThat(smtp.reply()).isEqualTo("220 mail.example.test ESMTP Bulwark");
                smtp.command("EHLO client.example.test");
                smtp.command("MAIL FROM:<someone@example.org>");
                assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("250 2.1.5 Ok");
                assertThat(smtp.command("RCPT TO:<abuse@example.test>")).isEqualTo("250 2.1.5 Ok");
                smtp.command("DATA");
                assertThat(smtp.command("Subject: default config\r\n\r\nhello\r\n.")).startsWith("250 2.0.0 Ok: queued as ");
            }
            assertThat(await(root.resolve("var/mail/example.test/alice/new"))).hasSize(1);
            assertThat(await(root.resolve("var/mail/example.test/postmaster/new"))).hasSize(1);
        }
        assertThat(Files.readString(root.resolve("var/log/maillog"))).contains("status=sent (delivered to maildir)");
    }

    /**
     * Mail to root and postmaster, at localhost (local delivery, aliases) and at example.test
     * (virtual aliases), lands in the postmaster Maildir under var/, never in the system's
     * /var/mail; other system users are not recipients here.
     */
    @Test
    void mailForRootAndPostmasterStaysInTheCheckout() throws Exception {
        int port = copyShippedConfiguration();
        Path systemSpool = Path.of("/var/mail/root");
        long before = Files.exists(systemSpool) ? Files.size(systemSpool) : -1;

        try (Master master = Master.start(root.resolve("conf"))) {
            try (SmtpDialogue smtp = new SmtpDialogue(port, "127.0.0.1")) {
                smtp.reply();
                smtp.command("EHLO client.example.test");
                // One message each, so that no merging of duplicate recipients hides one.
                for (String rcpt : List.of("root@localhost", "postmaster@localhost", "root@example.test",
                        "postmaster@example.test")) {
                    smtp.command("MAIL FROM:<someone@example.org>");
                    assertThat(smtp.command("RCPT TO:<" + rcpt + ">")).as(rcpt).isEqualTo("250 2.1.5 Ok");
                    smtp.command("DATA");
                    assertThat(smtp.command("Subject: to " + rcpt + "\r\n\r\nhello\r\n.")).startsWith("250 2.0.0 Ok");
                }
                smtp.command("MAIL FROM:<someone@example.org>");
                assertThat(smtp.command("RCPT TO:<daemon@localhost>")).startsWith("550 5.1.1 <daemon@localhost>:");
            }
            Path postmaster = root.resolve("var/mail/example.test/postmaster/new");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (count(postmaster) < 4 && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertThat(count(postmaster)).as(Files.readString(root.resolve("var/log/maillog"))).isEqualTo(4);
        }
        assertThat(Files.exists(systemSpool) ? Files.size(systemSpool) : -1).isEqualTo(before);
        assertThat(Files.readString(root.resolve("var/log/maillog"))).doesNotContain("/var/mail/")
                .doesNotContain("status=deferred").doesNotContain("status=bounced");
    }

    /** conf/ copied into the test's directory (var/ beside it), listening on a free port instead of 2525. */
    private int copyShippedConfiguration() throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        try (Stream<Path> files = Files.list(Path.of("conf"))) {
            for (Path file : files.toList()) {
                Files.copy(file, conf.resolve(file.getFileName()));
            }
        }
        int port = MailSystemFixture.freePort();
        Path masterCf = conf.resolve("master.cf");
        Files.writeString(masterCf, Files.readString(masterCf).replace("127.0.0.1:2525", "127.0.0.1:" + port));
        return port;
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private static List<Path> await(Path dir) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    List<Path> found = files.toList();
                    if (!found.isEmpty()) {
                        return found;
                    }
                }
            }
            Thread.sleep(20);
        }
        return List.of();
    }
}
