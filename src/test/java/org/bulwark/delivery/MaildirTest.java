package org.bulwark.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bulwark.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirTest {

    private static final String CONTENT = "Subject: Hello from the queue\nFrom: a@example.org\n\nFrom the body\nline two\n";

    @TempDir
    Path dir;

    private final TestMessage message = TestMessage.of("a@example.org", CONTENT, "u@example.com");
    private final MailAddress recipient = MailAddress.of("u@example.com");

    @Test
    void createsMaildirStructureWithPrivateMode() throws Exception {
        Path maildir = dir.resolve("example.com/u/");
        new Maildir("mail.example.com").deliver(maildir, message, recipient, Owner.CURRENT);

        for (String sub : new String[] {"tmp", "new", "cur"}) {
            assertThat(maildir.resolve(sub)).isDirectory();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(maildir.resolve(sub))))
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void writesReturnPathAndDeliveredToBeforeTheMessage() throws Exception {
        Path file = new Maildir("mail.example.com").deliver(dir.resolve("m"), message, recipient, Owner.CURRENT);

        assertThat(file.getParent().getFileName().toString()).isEqualTo("new");
        assertThat(Files.readString(file)).isEqualTo(
                "Return-Path: <a@example.org>\nDelivered-To: u@example.com\n" + CONTENT);
        try (Stream<Path> tmp = Files.list(dir.resolve("m/tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void namesFilesUniquelyInPostfixFormWithEscapedHost() throws Exception {
        Maildir writer = new Maildir("odd/host:name");
        Path first = writer.deliver(dir.resolve("m"), message, recipient, Owner.CURRENT);
        Path second = writer.deliver(dir.resolve("m"), message, recipient, Owner.CURRENT);

        assertThat(first).isNotEqualTo(second);
        assertThat(first.getFileName().toString())
                .matches("\\d+\\.M\\d+P\\d+Q\\d+\\.odd\\\\057host\\\\072name");
    }

    @Test
    void failsTemporarilyAndLeavesNoFileWhenTmpIsNotADirectory() throws Exception {
        Path maildir = dir.resolve("broken");
        Files.createDirectories(maildir);
        Files.writeString(maildir.resolve("tmp"), "not a directory");

        assertThatThrownBy(() -> new Maildir("h").deliver(maildir, message, recipient, Owner.CURRENT))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.isPermanent()).isFalse();
                    assertThat(f.dsn()).isEqualTo("4.2.0");
                    assertThat(f.getMessage()).startsWith("maildir delivery failed: ").contains("tmp");
                });
        assertThat(maildir.resolve("new")).doesNotExist();
    }

    @Test
    void pythonMailboxModuleReadsTheDeliveredMessage() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            fail("this test needs /usr/bin/python3 (Debian: apt-get install python3) to read the Maildir");
        }
        Path maildir = dir.resolve("Maildir");
        new Maildir("mail.example.com").deliver(maildir, message, recipient, Owner.CURRENT);

        Process p = new ProcessBuilder(python.toString(), "-c",
                "import mailbox,sys\n"
                        + "box = mailbox.Maildir(sys.argv[1], create=False)\n"
                        + "for m in box: print(m['Subject']); print(m['Delivered-To'])\n",
                maildir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("Hello from the queue\nu@example.com\n");
    }

    @Test
    void mboxQuotesFromLinesAndSeparatesMessages() throws IOException, DeliveryFailure {
        Path file = dir.resolve("mbox");
        Mbox mbox = new Mbox(0);
        mbox.deliver(file, message, recipient, Owner.CURRENT);
        mbox.deliver(file, message, recipient, Owner.CURRENT);

        String text = Files.readString(file);
        assertThat(text).startsWith("From a@example.org  ");
        assertThat(text).contains("\n>From the body\n");
        assertThat(text.split("\n\nFrom a@example.org  ", -1)).hasSize(2);
        assertThat(text).endsWith("line two\n\n");
    }

    @Test
    void mboxRefusesToGrowBeyondTheSizeLimit() throws Exception {
        Path file = dir.resolve("mbox");
        Files.writeString(file, "x".repeat(100));

        assertThatThrownBy(() -> new Mbox(120).deliver(file, message, recipient, Owner.CURRENT))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.dsn()).isEqualTo("5.2.2"));
        assertThat(Files.size(file)).isEqualTo(100);
    }

    @Test
    void mboxRemovesItsLockFileAndBreaksAStaleOne() throws Exception {
        Path file = dir.resolve("bob");
        Path lock = dir.resolve("bob.lock");
        Files.writeString(lock, "");
        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));

        new Mbox(0).deliver(file, message, recipient, Owner.CURRENT);

        assertThat(lock).doesNotExist();
        assertThat(Files.readString(file)).contains("Subject: Hello from the queue");
    }

    @Test
    void refusesASymbolicLinkInAMaildirWrittenForAnotherUser() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path maildir = Files.createDirectories(dir.resolve("user/Maildir"));
        Files.createSymbolicLink(maildir.resolve("tmp"), elsewhere);
        Owner owner = Owner.of(4242, 4242);

        if (Owner.runningAsRoot()) {
            assertThatThrownBy(() -> new Maildir("h").deliver(maildir, message, recipient, owner))
                    .isInstanceOf(DeliveryFailure.class);
            assertThat(elsewhere).isEmptyDirectory();
            assertThat(maildir.resolve("new")).satisfiesAnyOf(
                    d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
        } else {
            new Maildir("h").deliver(maildir, message, recipient, owner);
            try (Stream<Path> delivered = Files.list(maildir.resolve("new"))) {
                assertThat(delivered).hasSize(1);
            }
        }
        try (Stream<Path> left = Files.list(elsewhere)) {
            assertThat(left).isEmpty();
        }
    }

    /**
     * As root for a mapped user (virtual_uid_maps): the Maildir is the user's own, so only the
     * symbolic link keeps the delivery out; without it the same tree takes the message.
     */
    @Test
    void refusesASymbolicLinkInAMaildirTheUserOwns() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Owner.runningAsRoot(), "only root writes for another user");
        Owner owner = Owner.of(4242, 4242);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path linked = Files.createDirectories(dir.resolve("linked/Maildir"));
        Path plain = Files.createDirectories(dir.resolve("plain/Maildir"));
        Files.createSymbolicLink(linked.resolve("tmp"), elsewhere);
        for (Path d : new Path[] {elsewhere, linked, plain}) {
            owner.apply(d);
        }

        assertThatThrownBy(() -> new Maildir("h").deliver(linked, message, recipient, owner))
                .isInstanceOf(DeliveryFailure.class);
        Path delivered = new Maildir("h").deliver(plain, message, recipient, owner);

        assertThat(elsewhere).isEmptyDirectory();
        assertThat(Files.readString(delivered)).contains("Subject: Hello from the queue");
        assertThat((Integer) Files.getAttribute(delivered, "unix:uid")).isEqualTo(4242);
    }

    /** Directories are made when a delivery finds them missing: a Maildir with tmp/ only still takes mail. */
    @Test
    void aMaildirWithOnlyTmpGetsItsOtherDirectories() throws Exception {
        Path maildir = Files.createDirectories(dir.resolve("partial/Maildir/tmp"));

        Path delivered = new Maildir("h").deliver(maildir.getParent(), message, recipient, Owner.CURRENT);

        assertThat(delivered.getParent()).isEqualTo(maildir.resolveSibling("new"));
        assertThat(maildir.resolveSibling("cur")).isDirectory();
        assertThat(Files.readString(delivered)).contains("Subject: Hello from the queue");
    }
}
