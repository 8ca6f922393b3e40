package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bulwark.cli.Bulwark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that really fills up: the queue directory or the Maildirs on a small tmpfs, filled with a
 * ballast file. Nothing acknowledged is lost, nothing half-written stays, and the system recovers
 * by itself once there is room again.
 */
class DiskFullTest {

    private static final String INSUFFICIENT = "452 4.3.1 Insufficient system storage";
    private static final long MINFREE = 2L << 20;

    @TempDir
    Path root;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Process daemon;

    @AfterEach
    void cleanUp() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        // Stop the system before the file systems under it go away.
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    @Test
    void aFullQueueFileSystemIsAnswered452WhileReadsAndDeliveriesGoOn() throws Exception {
        Tmpfs queueFs = mount("queuefs");
        MailSystemFixture system = new MailSystemFixture(root)
                .set("queue_directory", queueFs.directory().resolve("spool").toString())
                .set("queue_minfree", Long.toString(MINFREE))
                .set("message_size_limit", "1000000");
        // While a plain file stands where alice's Maildir belongs, her mail waits in deferred/.
        Path blocker = system.maildir("alice");
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a Maildir\n");
        system.writeConfig();
        daemon = system.startDaemon();
        try (SmtpDialogue smtp = system.awaitBanner()) {
            smtp.command("EHLO client.example");
            for (int i = 1; i <= 3; i++) {
                assertThat(send(smtp, "queued-" + i)).startsWith("250 ");
            }
        }
        awaitCount(system, "status=deferred", 3);

        Path ballast = queueFs.fillLeaving("ballast", MINFREE / 2);
        try (SmtpDialogue smtp = system.awaitBanner()) {
            smtp.command("EHLO client.example");
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).isEqualTo(INSUFFICIENT);
            assertThat(smtp.command("NOOP")).startsWith("250 ");
            // Now past queue_minfree to the last byte: nothing more can be written at all.
            Path rest = queueFs.fillCompletely("ballast-rest");
            assertThat(queueFs.usable()).isLessThan(4096);
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).isEqualTo(INSUFFICIENT);
            System.out.printf("disk full: queue file system at %d bytes free, MAIL FROM answered \"%s\"%n",
                    queueFs.usable(), INSUFFICIENT);

            // Reads go on: the queue listing and the status.
            MailSystemFixture.ProcessResult mailq = cli(system, "mailq");
            assertThat(mailq.exitCode()).as(mailq.output()).isZero();
            assertThat(mailq.output()).contains("alice@example.test").contains("in 3 Requests.");
            MailSystemFixture.ProcessResult status = cli(system, "status");
            assertThat(status.exitCode()).as(status.output()).isZero();
            assertThat(status.output()).contains("the mail system is running");

            // Deliveries go on: what was queued before the disk filled leaves it.
            Files.delete(blocker);
            assertThat(cli(system, "postqueue", "-f").exitCode()).isZero();
            system.awaitDelivered("alice", 3);
            awaitCount(system, "status=sent", 3);
            assertThat(queueFs.usable()).isLessThan(MINFREE / 2);
            Files.delete(rest);
        }

        // Room again: mail is taken at once, without a restart.
        Files.delete(ballast);
        try (SmtpDialogue smtp = system.awaitBanner()) {
            smtp.command("EHLO client.example");
            assertThat(send(smtp, "after")).startsWith("250 ");
        }
        system.awaitDelivered("alice", 4);
        String log = system.maillog();
        assertThat(log).contains("warning: not enough free space in mail queue");
        assertThat(log).contains("NOQUEUE: reject: MAIL from localhost[127.0.0.1]: " + INSUFFICIENT);
    }

    @Test
    void aMessageLargerThanTheFreeSpaceFailsInDataAndLeavesNothingBehind() throws Exception {
        Tmpfs queueFs = mount("queuefs");
        Path spool = queueFs.directory().resolve("spool");
        MailSystemFixture system = new MailSystemFixture(root)
                .set("queue_directory", spool.toString())
                .set("queue_minfree", Long.toString(1L << 20))
                .set("message_size_limit", "0")
                .start();
        cleanup.add(system);
        long freeBefore = queueFs.usable();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            // No SIZE= announced, so MAIL FROM cannot know; the queue file system runs out in DATA.
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            smtp.send("Subject: too big\r\n\r\n");
            String line = "x".repeat(998) + "\r\n";
            StringBuilder block = new StringBuilder();
            for (int i = 0; i < 1024; i++) {
                block.append(line);
            }
            for (int mib = 0; mib < 12; mib++) {
                smtp.send(block.toString());
            }
            String reply = smtp.command(".");
            System.out.printf("disk full in DATA: 12 MiB into %d bytes free: \"%s\"%n", freeBefore, reply);
            assertThat(reply).matches("45[12] 4\\.3\\.[01] .*");

            // Nothing half-written stays: no queue file, and the space is free again.
            assertThat(files(spool.resolve("incoming"))).isEmpty();
            assertThat(files(spool.resolve("active"))).isEmpty();
            assertThat(queueFs.usable()).isGreaterThan(freeBefore - (1L << 20));

            // The same session goes on with a message that fits.
            assertThat(send(smtp, "fits")).startsWith("250 ");
        }
        assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0))).contains("Subject: fits");
        assertThat(system.maillog()).contains("queue file write error");
    }

    @Test
    void aFullMaildirDefersAndDeliversOnceThereIsRoomAgain() throws Exception {
        Tmpfs mailFs = mount("mailfs");
        MailSystemFixture system = new MailSystemFixture(root)
                .set("virtual_mailbox_base", mailFs.directory().toString())
                .start();
        cleanup.add(system);
        Path maildir = mailFs.directory().resolve("example.test/alice");
        Path spool = system.var.resolve("spool");
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(send(smtp, "first")).startsWith("250 ");
            awaitFiles(maildir.resolve("new"), 1);

            Path ballast = mailFs.fillCompletely("ballast");
            assertThat(send(smtp, "second")).startsWith("250 ");
            String log = awaitCount(system, "status=deferred", 1);
            assertThat(log).contains("dsn=4.3.0").contains("No space left on device");
            awaitFiles(spool.resolve("deferred"), 1);
            // Not dropped, and no torn copy in the Maildir.
            assertThat(files(maildir.resolve("new"))).hasSize(1);
            assertThat(files(maildir.resolve("tmp"))).isEmpty();
            assertThat(log).doesNotContain("status=bounced");

            Files.delete(ballast);
            assertThat(Bulwark.commandLine().execute("-c", system.conf.toString(), "postqueue", "-f")).isZero();
            awaitFiles(maildir.resolve("new"), 2);
            awaitCount(system, "status=sent", 2);
            awaitFiles(spool.resolve("deferred"), 0);
        }
        List<String> subjects = new ArrayList<>();
        for (Path file : files(maildir.resolve("new"))) {
            subjects.add(Files.readString(file).lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElse(""));
        }
        assertThat(subjects).containsExactlyInAnyOrder("Subject: first", "Subject: second");
    }

    private Tmpfs mount(String name) throws Exception {
        Tmpfs fs = Tmpfs.mount(root.resolve(name), "8m");
        cleanup.add(fs);
        return fs;
    }

    private static String send(SmtpDialogue smtp, String subject) throws Exception {
        String mail = smtp.command("MAIL FROM:<sender@example.org>");
        if (!mail.startsWith("250 ")) {
            return mail;
        }
        smtp.command("RCPT TO:<alice@example.test>");
        smtp.command("DATA");
        return smtp.command("Subject: " + subject + "\r\n\r\nbody of " + subject + "\r\n.");
    }

    /** A command of the real program in its own process, as an operator would run it. */
    private static MailSystemFixture.ProcessResult cli(MailSystemFixture system, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "org.bulwark.cli.Bulwark", "-c", system.conf.toString()));
        command.addAll(List.of(args));
        return MailSystemFixture.run(command, null);
    }

    private static String awaitCount(MailSystemFixture system, String text, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String log = system.maillog();
        while (occurrences(log, text) < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            log = system.maillog();
        }
        assertThat(occurrences(log, text)).as("\"%s\" in the log:%n%s", text, log).isEqualTo(count);
        return log;
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static void awaitFiles(Path directory, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (files(directory).size() != count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(files(directory)).as("files in %s", directory).hasSize(count);
    }

    private static List<Path> files(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.sorted().toList();
        }
    }
}
