package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bulwark.cli.Bulwark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server writes about mail is its own: after real traffic, every queue file (active,
 * deferred, hold) is 0600 in a 0700 directory, and so is every Maildir file and directory. Only the
 * pid file, which says nothing about mail, is world-readable, as in Postfix.
 */
class FileModesTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void queueFilesAndMaildirsAreTheServersOnly() throws Exception {
        system = new MailSystemFixture(root);
        Path blocker = system.maildir("alice");
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a Maildir\n"); // alice's mail is deferred
        system.start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            send(smtp, "alice", "to-hold");
            awaitLog("status=deferred", 1);
            assertThat(Bulwark.commandLine().execute("-c", system.conf.toString(), "postsuper", "-h", "ALL")).isZero();
            send(smtp, "alice", "deferred");
            send(smtp, "bob", "delivered");
        }
        awaitLog("status=deferred", 2);
        system.awaitDelivered("bob", 1);

        Path spool = system.var.resolve("spool");
        List<String> loose = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Path p : walk(spool)) {
            Path relative = spool.relativize(p);
            if (p.equals(spool) || relative.startsWith("pid")) {
                continue;
            }
            check(p, loose);
            if (Files.isRegularFile(p)) {
                seen.add(relative.getParent().toString());
            }
        }
        for (Path p : walk(system.maildir("bob"))) {
            check(p, loose);
        }
        assertThat(seen).as("queue files looked at").contains("hold", "deferred");
        assertThat(loose).as("files and directories open to group or others").isEmpty();
    }

    private static void check(Path p, List<String> loose) throws Exception {
        String mode;
        try {
            mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (NoSuchFileException moved) {
            return; // the queue manager moved or removed it since the walk listed it
        }
        String wanted = Files.isDirectory(p) ? "rwx------" : "rw-------";
        if (!mode.equals(wanted)) {
            loose.add(p + " " + mode);
        }
    }

    private static List<Path> walk(Path top) throws Exception {
        try (Stream<Path> all = Files.walk(top)) {
            return all.toList();
        }
    }

    private static void send(SmtpDialogue smtp, String user, String subject) throws Exception {
        smtp.command("MAIL FROM:<sender@example.org>");
        smtp.command("RCPT TO:<" + user + "@example.test>");
        smtp.command("DATA");
        assertThat(smtp.command("Subject: " + subject + "\r\n\r\nbody\r\n.")).startsWith("250 ");
    }

    private void awaitLog(String text, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (system.maillog().split(text, -1).length - 1 < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(system.maillog().split(text, -1).length - 1).as(system.maillog()).isGreaterThanOrEqualTo(count);
    }
}
