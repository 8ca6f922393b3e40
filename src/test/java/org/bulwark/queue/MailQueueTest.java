package org.bulwark.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailQueueTest {

    @TempDir
    Path dir;

    MailQueue queue;

    @BeforeEach
    void openQueue() throws IOException {
        queue = MailQueue.open(dir.resolve("queue"));
    }

    static Envelope fullEnvelope() {
        return new Envelope(
                MailAddress.of("sender with space@example.org"),
                List.of(new Recipient(MailAddress.of("alice@example.com"), "rfc822;Alice@Example.com", "SUCCESS,DELAY"),
                        new Recipient(MailAddress.of("bøb@exämple.com"), null, "NEVER"),
                        new Recipient(MailAddress.of("-"), "=", null)),
                Instant.parse("2026-11-23T17:41:02.123456789Z"),
                new ClientInfo("mail.example.org", "2001:db8::1", "helo 100%", "ESMTPSA", "carol"),
                "8BITMIME", "HDRS", "envid+2B1", true);
    }

    static Envelope simpleEnvelope() {
        return Envelope.of(MailAddress.of("a@example.org"),
                List.of(Recipient.of(MailAddress.of("x@example.com")), Recipient.of(MailAddress.of("y@example.com"))),
                new ClientInfo("unknown", "192.0.2.7", "client", "ESMTP", null));
    }

    QueueId commit(Envelope envelope, String content) throws IOException {
        try (QueueFileWriter writer = queue.create(envelope)) {
            writer.content().write(content.getBytes(StandardCharsets.UTF_8));
            writer.commit();
            return writer.id();
        }
    }

    static String content(QueuedMessage message) throws IOException {
        try (InputStream in = message.openContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void roundTripsEveryEnvelopeField() throws IOException {
        Envelope envelope = fullEnvelope();
        QueueId id = commit(envelope, "Subject: hi\n\nbody\n");

        QueuedMessage message = queue.read(QueueName.ACTIVE, id);

        assertThat(message.envelope()).isEqualTo(envelope);
        assertThat(message.id()).isEqualTo(id);
        assertThat(message.queue()).isEqualTo(QueueName.ACTIVE);
        assertThat(message.recipients()).extracting(RecipientState::done).containsExactly(false, false, false);
        assertThat(message.recipients()).extracting(RecipientState::index).containsExactly(0, 1, 2);
        assertThat(message.attempts()).isZero();
        assertThat(message.deferReason()).isNull();
        assertThat(content(message)).isEqualTo("Subject: hi\n\nbody\n");
        assertThat(message.contentSize()).isEqualTo(18);
    }

    @Test
    void roundTripsNullSenderAndAbsentOptions() throws IOException {
        Envelope envelope = new Envelope(MailAddress.NULL_SENDER, List.of(Recipient.of(MailAddress.of("postmaster"))),
                Instant.parse("2026-01-01T00:00:00Z"), ClientInfo.local("1000"), null, null, null, false);
        QueueId id = commit(envelope, "");

        QueuedMessage message = queue.read(QueueName.ACTIVE, id);

        assertThat(message.envelope()).isEqualTo(envelope);
        assertThat(message.contentSize()).isZero();
    }

    /**
     * With append_at_myorigin = no, {@code MAIL FROM:<"a@b">} and {@code RCPT TO:<"x@y">} stay
     * unqualified with an @ in the local part; read back they are still that, not a@b or x at y.
     */
    @Test
    void roundTripsAnUnqualifiedQuotedLocalPartWithAnAt() throws IOException {
        Envelope envelope = Envelope.of(new MailAddress("a@b", null),
                List.of(Recipient.of(new MailAddress("x@y", null)), Recipient.of(new MailAddress("@", null)),
                        Recipient.of(new MailAddress("x@y", "example.com"))),
                new ClientInfo("unknown", "192.0.2.7", "client", "ESMTP", null));
        QueueId id = commit(envelope, "");

        QueuedMessage message = queue.read(QueueName.ACTIVE, id);

        assertThat(message.envelope()).isEqualTo(envelope);
        assertThat(message.envelope().recipients()).extracting(r -> r.address().domain())
                .containsExactly(null, null, "example.com");
    }

    @Test
    void roundTripsTheContentFilterAsAnLRecord() throws IOException {
        Envelope envelope = fullEnvelope().withFilter("smtp:[127.0.0.1]:10025");
        QueueId id = commit(envelope, "Subject: hi\n\nbody\n");

        QueuedMessage message = queue.read(QueueName.ACTIVE, id);

        assertThat(message.envelope()).isEqualTo(envelope);
        assertThat(message.envelope().filter()).isEqualTo("smtp:[127.0.0.1]:10025");
        assertThat(java.nio.file.Files.readString(queue.path(QueueName.ACTIVE, id), StandardCharsets.ISO_8859_1))
                .contains("\nL smtp:[127.0.0.1]:10025\nN 3\n");
        assertThat(queue.read(QueueName.ACTIVE, commit(simpleEnvelope(), "x\n")).envelope().filter()).isNull();
    }

    @Test
    void roundTripsAnAddressVerificationProbeAsAVRecord() throws IOException {
        Envelope probe = Envelope.probe(MailAddress.of("double-bounce@mail.example.com"),
                org.bulwark.mail.Recipient.of(MailAddress.of("user@remote.example")),
                java.time.Instant.ofEpochSecond(1_700_000_000), org.bulwark.mail.ClientInfo.local("MAILER-DAEMON"));
        QueueId id = commit(probe, "");

        QueuedMessage message = queue.read(QueueName.ACTIVE, id);

        assertThat(message.envelope()).isEqualTo(probe);
        assertThat(message.envelope().probe()).isTrue();
        assertThat(java.nio.file.Files.readString(queue.path(QueueName.ACTIVE, id), StandardCharsets.ISO_8859_1))
                .contains("\nV\nN 1\n");
        assertThat(queue.read(QueueName.ACTIVE, commit(simpleEnvelope(), "x\n")).envelope().probe()).isFalse();
    }

    @Test
    void commitMovesTheFileFromIncomingToActiveWithPrivateModes() throws IOException {
        QueueFileWriter writer = queue.create(simpleEnvelope());
        assertThat(queue.list(QueueName.INCOMING)).containsExactly(writer.id());
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();

        writer.commit();

        assertThat(queue.list(QueueName.INCOMING)).isEmpty();
        assertThat(queue.list(QueueName.ACTIVE)).containsExactly(writer.id());
        Path file = queue.path(QueueName.ACTIVE, writer.id());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Files.isDirectory(queue.maildrop())).isTrue();
    }

    @Test
    void abortRemovesTheUnfinishedFile() throws IOException {
        QueueFileWriter writer = queue.create(simpleEnvelope());
        writer.content().write("partial".getBytes(StandardCharsets.US_ASCII));

        writer.abort();
        writer.abort();

        assertThat(queue.list(QueueName.INCOMING)).isEmpty();
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
    }

    @Test
    void closeWithoutCommitAborts() throws IOException {
        try (QueueFileWriter writer = queue.create(simpleEnvelope())) {
            writer.content().write('x');
        }
        assertThat(queue.list(QueueName.INCOMING)).isEmpty();
    }

    @Test
    void streamsLargeContentThroughTheWriter() throws Exception {
        byte[] chunk = new byte[8192];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i % 64 == 63 ? '\n' : 'a' + i % 26);
        }
        long total = 20L * 1024 * 1024;
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        QueueId id;
        try (QueueFileWriter writer = queue.create(simpleEnvelope())) {
            OutputStream out = writer.content();
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk);
                written.update(chunk);
            }
            writer.commit();
            id = writer.id();
        }

        QueuedMessage message = queue.read(QueueName.ACTIVE, id);
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (InputStream in = message.openContent()) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                read.update(buffer, 0, n);
                count += n;
            }
        }
        assertThat(message.contentSize()).isEqualTo(total);
        assertThat(count).isEqualTo(total);
        assertThat(read.digest()).isEqualTo(written.digest());
    }

    @Test
    void markDoneSurvivesReopen() throws IOException {
        QueueId id = commit(simpleEnvelope(), "x\n");
        QueuedMessage message = queue.read(QueueName.ACTIVE, id);

        queue.markDone(message, 1);

        assertThat(message.recipients()).extracting(RecipientState::done).containsExactly(false, true);
        MailQueue reopened = MailQueue.open(dir.resolve("queue"));
        assertThat(reopened.read(QueueName.ACTIVE, id).recipients())
                .extracting(RecipientState::done).containsExactly(false, true);
    }

    @Test
    void deferRecordsAttemptReasonAndMovesToDeferred() throws IOException {
        QueueId id = commit(simpleEnvelope(), "x\n");
        QueuedMessage message = queue.read(QueueName.ACTIVE, id);
        Instant next = Instant.parse("2026-11-23T18:00:00Z");

        queue.defer(message, next, "connect to mx.example.com[192.0.2.1]:25: Connection refused");
        queue.defer(message, next.plusSeconds(600), "lost connection with mx.example.com[192.0.2.1] while receiving the initial server greeting");

        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
        assertThat(queue.list(QueueName.DEFERRED)).containsExactly(id);
        QueuedMessage reread = MailQueue.open(dir.resolve("queue")).read(QueueName.DEFERRED, id);
        assertThat(reread.attempts()).isEqualTo(2);
        assertThat(reread.nextAttempt()).isEqualTo(next.plusSeconds(600));
        assertThat(reread.deferReason()).startsWith("lost connection with mx.example.com");
        assertThat(content(reread)).isEqualTo("x\n");
    }

    @Test
    void markDoneFollowsAMessageThatWasDeferred() throws IOException {
        QueueId id = commit(simpleEnvelope(), "x\n");
        QueuedMessage message = queue.read(QueueName.ACTIVE, id);
        queue.defer(message, Instant.parse("2026-11-23T18:00:00Z"), "try later");

        queue.markDone(message, 0);

        assertThat(queue.read(QueueName.DEFERRED, id).recipients().get(0).done()).isTrue();
    }

    @Test
    void longDeferReasonIsCutToFit() throws IOException {
        QueueId id = commit(simpleEnvelope(), "x\n");
        String reason = "é%".repeat(500);

        queue.defer(queue.read(QueueName.ACTIVE, id), Instant.EPOCH, reason);

        String stored = queue.read(QueueName.DEFERRED, id).deferReason();
        assertThat(stored).isNotEmpty();
        assertThat(reason).startsWith(stored);
    }

    @Test
    void aDamagedRetrySlotFallsBackToTheOtherCopy() throws IOException {
        QueueId id = commit(simpleEnvelope(), "x\n");
        queue.defer(queue.read(QueueName.ACTIVE, id), Instant.parse("2026-11-23T18:00:00Z"), "first");
        QueuedMessage once = queue.read(QueueName.DEFERRED, id);
        queue.defer(once, Instant.parse("2026-11-23T19:00:00Z"), "second");
        Path file = queue.path(QueueName.DEFERRED, id);
        // Simulate a torn write of the newest slot.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // The state after n attempts has sequence n + 1 and lives in slot (n + 1) mod 2.
            long newest = QueueFileFormat.SLOT_OFFSETS[(once.attempts() + 1) % 2];
            channel.write(java.nio.ByteBuffer.wrap("garbage".getBytes(StandardCharsets.US_ASCII)), newest + 20);
        }

        QueuedMessage reread = queue.read(QueueName.DEFERRED, id);

        assertThat(reread.attempts()).isEqualTo(1);
        assertThat(reread.deferReason()).isEqualTo("first");
    }

    @Test
    void moveAndRemove() throws IOException {
        QueueId id = commit(simpleEnvelope(), "x\n");

        queue.move(id, QueueName.ACTIVE, QueueName.HOLD);
        assertThat(queue.list(QueueName.HOLD)).containsExactly(id);
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();

        queue.move(id, QueueName.HOLD, QueueName.ACTIVE);
        queue.remove(QueueName.ACTIVE, id);
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
        assertThat(queue.list(QueueName.HOLD)).isEmpty();
    }

    @Test
    void aRemovedFileIsReusedForTheNextMessageAndCutToItsLength() throws IOException {
        queue.recover(); // as the server starts: from now on removed files are kept for reuse
        QueueId first = commit(fullEnvelope(), "Subject: long\n\n" + "x".repeat(100_000) + "\n");
        Object inode = Files.readAttributes(queue.path(QueueName.ACTIVE, first),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        queue.remove(QueueName.ACTIVE, first);
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
        assertThat(queue.find(first)).isEmpty();

        Envelope envelope = simpleEnvelope();
        QueueId second = commit(envelope, "Subject: short\n\nbody\n");

        Path file = queue.path(QueueName.ACTIVE, second);
        assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .isEqualTo(inode);
        QueuedMessage message = queue.read(QueueName.ACTIVE, second);
        assertThat(message.envelope()).isEqualTo(envelope);
        assertThat(content(message)).isEqualTo("Subject: short\n\nbody\n");
        assertThat(Files.size(file)).isLessThan(2_000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aReusedFileIsWrittenWhereItWasKeptAndItsCommitMovesItIntoActive() throws IOException {
        queue.recover();
        queue.remove(QueueName.ACTIVE, commit(simpleEnvelope(), "x\n"));
        Path spent = dir.resolve("queue/spent");
        Object inode;
        try (java.util.stream.Stream<Path> kept = Files.list(spent)) {
            inode = inode(kept.findFirst().orElseThrow());
        }

        QueueId id;
        try (QueueFileWriter writer = queue.create(simpleEnvelope())) {
            writer.content().write("y\n".getBytes(StandardCharsets.UTF_8));
            // While it is written, no queue holds it: not incoming/, where a new file would be.
            assertThat(queue.path(QueueName.INCOMING, writer.id()).getParent()).isEmptyDirectory();
            assertThat(queue.find(writer.id())).isEmpty();
            writer.commit();
            id = writer.id();
        }
        assertThat(spent).isEmptyDirectory();
        assertThat(inode(queue.path(QueueName.ACTIVE, id))).isEqualTo(inode);
        assertThat(content(queue.read(QueueName.ACTIVE, id))).isEqualTo("y\n");

        // An aborted one leaves nothing in a queue.
        queue.remove(QueueName.ACTIVE, id);
        try (QueueFileWriter writer = queue.create(simpleEnvelope())) {
            writer.content().write("z\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(spent).isEmptyDirectory();
        assertThat(queue.path(QueueName.INCOMING, id).getParent()).isEmptyDirectory();
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
    }

    @Test
    void aFileRemovedWhenDoneIsReusedOnlyAfterItsRemovalIsSynced() throws IOException {
        queue.recover();
        queue.doneSyncDelay(java.time.Duration.ofHours(1)); // only commits sync active/ here
        QueueId first = commit(simpleEnvelope(), "x\n");
        Object inode = inode(queue.path(QueueName.ACTIVE, first));
        queue.removeDone(QueueName.ACTIVE, first);
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();

        // The removal is not durable yet: reusing the file now could bring its old name back on
        // new content after a machine crash, so the next message gets a file of its own.
        QueueId second = commit(simpleEnvelope(), "y\n");
        assertThat(inode(queue.path(QueueName.ACTIVE, second))).isNotEqualTo(inode);

        // That commit synced active/, which covers the first removal: its file is reused now.
        queue.removeDone(QueueName.ACTIVE, second);
        QueueId third = commit(simpleEnvelope(), "z\n");
        assertThat(inode(queue.path(QueueName.ACTIVE, third))).isEqualTo(inode);
        assertThat(content(queue.read(QueueName.ACTIVE, third))).isEqualTo("z\n");
    }

    private static Object inode(Path file) throws IOException {
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }

    @Test
    void recoverEmptiesTheSpentFilesAndAQueueWithoutRecoverKeepsNone() throws IOException {
        QueueId plain = commit(simpleEnvelope(), "x\n");
        queue.remove(QueueName.ACTIVE, plain);
        assertThat(dir.resolve("queue/spent")).isEmptyDirectory();

        queue.recover();
        queue.remove(QueueName.ACTIVE, commit(simpleEnvelope(), "y\n"));
        assertThat(dir.resolve("queue/spent")).isNotEmptyDirectory();

        MailQueue.open(dir.resolve("queue")).recover();
        assertThat(dir.resolve("queue/spent")).isEmptyDirectory();
    }

    @Test
    void envelopeLinesLongerThanTheReadBufferAreReadWhole() throws IOException {
        List<Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            recipients.add(new Recipient(MailAddress.of("r" + i + "@example.com"), "rfc822;" + "x".repeat(i * 37), null));
        }
        Envelope envelope = new Envelope(MailAddress.of("a@example.org"), recipients,
                Instant.parse("2026-11-23T17:41:02Z"), new ClientInfo("unknown", "192.0.2.7", "h".repeat(20_000), "ESMTP", null),
                null, null, null, false);
        for (String content : List.of("small\n", "large\n" + "y".repeat(100_000) + "\n")) {
            QueueId id = commit(envelope, content);
            QueuedMessage read = queue.read(QueueName.ACTIVE, id);
            assertThat(read.envelope()).isEqualTo(envelope);
            assertThat(content(read)).isEqualTo(content);
        }
    }

    @Test
    void truncatedFileIsMovedToCorrupt() throws IOException {
        QueueId id = commit(simpleEnvelope(), "Subject: x\n\nbody\n");
        Path file = queue.path(QueueName.ACTIVE, id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 3);
        }

        assertThatThrownBy(() -> queue.read(QueueName.ACTIVE, id))
                .isInstanceOf(CorruptQueueFileException.class)
                .hasMessageContaining(id.value());
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
        assertThat(queue.list(QueueName.CORRUPT)).containsExactly(id);
    }

    @Test
    void fileTruncatedInsideTheEnvelopeIsCorrupt() throws IOException {
        QueueId id = commit(simpleEnvelope(), "body\n");
        Path file = queue.path(QueueName.ACTIVE, id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(QueueFileFormat.SLOT_OFFSETS[1] + QueueFileFormat.SLOT_LENGTH + 5);
        }

        assertThatThrownBy(() -> queue.read(QueueName.ACTIVE, id)).isInstanceOf(CorruptQueueFileException.class);
        assertThat(queue.list(QueueName.CORRUPT)).containsExactly(id);
    }

    @Test
    void garbledFileIsCorrupt() throws IOException {
        QueueId id = commit(simpleEnvelope(), "body\n");
        Files.writeString(queue.path(QueueName.ACTIVE, id), "not a queue file\n");

        assertThatThrownBy(() -> queue.read(QueueName.ACTIVE, id)).isInstanceOf(CorruptQueueFileException.class);
    }

    @Test
    void queueManagersFirstReadOfASmallArrivalIsWhatWasCommittedAndOnlyOnce() throws IOException {
        Envelope envelope = fullEnvelope();
        QueueId id = commit(envelope, "Subject: hi\n\nbody\n");
        byte[] onDisk = Files.readAllBytes(queue.path(QueueName.ACTIVE, id));
        Files.writeString(queue.path(QueueName.ACTIVE, id), "not a queue file\n");

        QueuedMessage first = queue.readActive(id);

        assertThat(first.envelope()).isEqualTo(envelope);
        assertThat(content(first)).isEqualTo("Subject: hi\n\nbody\n");
        assertThat(first.queue()).isEqualTo(QueueName.ACTIVE);
        // The bytes it was parsed from were the file's, as read back before it was garbled here.
        assertThat(QueueFileFormat.parse(onDisk, id).envelope()).isEqualTo(envelope);
        assertThatThrownBy(() -> queue.readActive(id)).isInstanceOf(CorruptQueueFileException.class);
    }

    @Test
    void aChangeMadeAfterTheCommitIsWhatTheQueueManagerReads() throws IOException {
        QueueId id = commit(simpleEnvelope(), "body\n");
        queue.markDone(queue.read(QueueName.ACTIVE, id), 0);

        assertThat(queue.readActive(id).recipients()).extracting(RecipientState::done).containsExactly(true, false);
    }

    @Test
    void withoutWatchingEveryNewIdIsLookedUp() throws IOException {
        QueueId id = commit(simpleEnvelope(), "a\n");

        assertThat(queue.names().mayExist(ahead(id, 1_000_000))).isTrue();
    }

    @Test
    void aNewIdIsLookedUpOnlyUpToTheHighestIdMovedIntoTheQueue() throws Exception {
        Files.writeString(queue.path(QueueName.HOLD, ahead(commit(simpleEnvelope(), "a\n"), 5_000_000)), "held\n");
        queue.watchNames();
        try {
            QueueId id = commit(simpleEnvelope(), "b\n");
            assertThat(queue.names().mayExist(ahead(id, 4_000_000))).as("below the file in hold/").isTrue();
            assertThat(queue.names().mayExist(ahead(id, 6_000_000))).as("above everything").isFalse();

            // Another node's message, its clock ahead of ours, moved into deferred/ while we run.
            QueueId moved = ahead(id, 60_000_000);
            Files.writeString(queue.path(QueueName.DEFERRED, moved), "another node's\n");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!queue.names().mayExist(moved) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(queue.names().mayExist(moved)).isTrue();
            assertThat(queue.names().mayExist(ahead(moved, 1))).isFalse();
        } finally {
            queue.close();
        }
        assertThat(queue.names().mayExist(ahead(commit(simpleEnvelope(), "c\n"), 100_000_000))).as("closed").isTrue();
    }

    private static QueueId ahead(QueueId id, long micros) {
        return new QueueId(String.format("%012X", Long.parseLong(id.value(), 16) + micros));
    }

    @Test
    void aMessageFoundInActiveBeforeItsCommitReturnsIsReadOnceAsCommitted() throws Exception {
        // A queue manager listing active/ (at a reload, or on its periodic scan) may find a message
        // the moment it is renamed there, and deliver and remove it while the commit still syncs.
        // The copy kept in memory must be the one it reads then (the file is garbled here to tell
        // them apart), never one left behind for the read that the arrival asks for afterwards.
        for (int round = 0; round < 10; round++) {
            try (QueueFileWriter writer = queue.create(simpleEnvelope())) {
                writer.content().write("body\n".getBytes(StandardCharsets.US_ASCII));
                Path active = queue.path(QueueName.ACTIVE, writer.id());
                java.util.concurrent.CompletableFuture<String> delivered = new java.util.concurrent.CompletableFuture<>();
                Thread.ofPlatform().start(() -> {
                    while (!Files.exists(active)) {
                        Thread.onSpinWait();
                    }
                    try {
                        Files.writeString(active, "not a queue file\n");
                        QueuedMessage found = queue.readActive(writer.id());
                        queue.markDone(found, 0);
                        queue.markDone(found, 1);
                        queue.removeDone(QueueName.ACTIVE, found);
                        delivered.complete(content(found));
                    } catch (IOException | RuntimeException e) {
                        delivered.completeExceptionally(e);
                    }
                });
                writer.commit();

                assertThat(delivered.get()).as("round %d", round).isEqualTo("body\n");
                assertThatThrownBy(() -> queue.readActive(writer.id())).as("round %d", round)
                        .isInstanceOf(java.nio.file.NoSuchFileException.class);
            }
        }
    }

    @Test
    void aLargeArrivalIsReadFromItsFile() throws IOException {
        QueueId id = commit(simpleEnvelope(), "x".repeat(QueueFileFormat.SMALL_FILE) + "\n");
        Files.writeString(queue.path(QueueName.ACTIVE, id), "not a queue file\n");

        assertThatThrownBy(() -> queue.readActive(id)).isInstanceOf(CorruptQueueFileException.class);
    }

    @Test
    void recoverRemovesIncomingLeftoversAndQuarantinesUnreadableFiles() throws IOException {
        QueueFileWriter unfinished = queue.create(simpleEnvelope());
        unfinished.content().write("half a mess".getBytes(StandardCharsets.US_ASCII));
        unfinished.content().flush();
        QueueId good = commit(simpleEnvelope(), "fine\n");
        QueueId bad = commit(simpleEnvelope(), "broken\n");
        queue.defer(queue.read(QueueName.ACTIVE, bad), Instant.EPOCH, "later");
        try (FileChannel channel = FileChannel.open(queue.path(QueueName.DEFERRED, bad), StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 1);
        }

        List<String> log = MailQueue.open(dir.resolve("queue")).recover();

        assertThat(queue.list(QueueName.INCOMING)).isEmpty();
        assertThat(queue.list(QueueName.ACTIVE)).containsExactly(good);
        assertThat(queue.list(QueueName.DEFERRED)).isEmpty();
        assertThat(queue.list(QueueName.CORRUPT)).containsExactly(bad);
        assertThat(log).anyMatch(line -> line.startsWith(unfinished.id() + ": removed"));
        assertThat(log).anyMatch(line -> line.contains(bad.value()) && line.contains("corrupt"));
    }

    @Test
    void idsAreUniqueUnderConcurrentCreates() throws Exception {
        int threads = 8;
        int each = 1000;
        List<QueueId> ids = new CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        QueueFileWriter writer = queue.create(simpleEnvelope());
                        ids.add(writer.id());
                        writer.abort();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }

        assertThat(ids).hasSize(threads * each).doesNotHaveDuplicates();
        assertThat(ids).allMatch(id -> id.value().matches("[0-9A-F]{12}"));
    }

    @Test
    void twoQueueInstancesOnOneDirectoryNeverShareAnId() throws Exception {
        MailQueue other = MailQueue.open(dir.resolve("queue"));
        List<QueueId> ids = new CopyOnWriteArrayList<>();
        Thread a = Thread.ofPlatform().start(() -> createMany(queue, ids));
        Thread b = Thread.ofPlatform().start(() -> createMany(other, ids));
        a.join();
        b.join();

        assertThat(ids).hasSize(1000).doesNotHaveDuplicates();
        assertThat(queue.list(QueueName.INCOMING)).hasSize(1000);
    }

    private static void createMany(MailQueue q, List<QueueId> ids) {
        try {
            for (int i = 0; i < 500; i++) {
                ids.add(q.create(simpleEnvelope()).id());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void listsOldestFirst() throws IOException {
        QueueId first = commit(simpleEnvelope(), "1\n");
        QueueId second = commit(simpleEnvelope(), "2\n");
        QueueId third = commit(simpleEnvelope(), "3\n");

        assertThat(queue.list(QueueName.ACTIVE)).containsExactly(first, second, third);
    }

    @Test
    void aRemovedArrivalListenerHearsOfNoMoreArrivals() throws Exception {
        List<QueueId> arrived = new CopyOnWriteArrayList<>();
        java.util.function.Consumer<QueueId> listener = arrived::add;
        queue.onArrival(listener);
        QueueId first = commit(simpleEnvelope(), "1\n");
        queue.removeArrivalListener(listener);
        commit(simpleEnvelope(), "2\n");

        assertThat(arrived).containsExactly(first);
    }

    @Test
    void arrivalIsSignalledAfterCommit() throws Exception {
        List<QueueId> arrived = new CopyOnWriteArrayList<>();
        queue.onArrival(arrived::add);
        long seen = queue.arrivalCount();
        QueueFileWriter writer = queue.create(simpleEnvelope());

        assertThat(queue.awaitArrival(seen, Duration.ZERO)).isFalse();
        writer.commit();

        assertThat(arrived).containsExactly(writer.id());
        assertThat(queue.awaitArrival(seen, Duration.ofSeconds(5))).isTrue();
        assertThat(queue.arrivalCount()).isEqualTo(seen + 1);
    }

    @Test
    void arrivalWakesAWaitingScheduler() throws Exception {
        long seen = queue.arrivalCount();
        boolean[] woke = new boolean[1];
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                woke[0] = queue.awaitArrival(seen, Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        commit(simpleEnvelope(), "x\n");
        waiter.join();

        assertThat(woke[0]).isTrue();
    }

    @Test
    void writesAfterCommitAreRefused() throws IOException {
        QueueFileWriter writer = queue.create(simpleEnvelope());
        writer.commit();

        assertThatThrownBy(() -> writer.content().write('x')).isInstanceOf(IOException.class);
        writer.close();
        assertThat(queue.list(QueueName.ACTIVE)).containsExactly(writer.id());
    }

    @Test
    void concurrentCommitsAllLandInActiveAndReadBack() throws Exception {
        int threads = 16;
        int each = 25;
        List<Thread> workers = new ArrayList<>();
        List<QueueId> committed = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            workers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        committed.add(commit(simpleEnvelope(), "worker " + worker + " message " + i + "\n"));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }

        assertThat(committed).hasSize(threads * each);
        assertThat(queue.list(QueueName.ACTIVE)).containsExactlyInAnyOrderElementsOf(committed);
        for (QueueId id : committed) {
            assertThat(content(queue.read(QueueName.ACTIVE, id))).startsWith("worker ");
        }
    }

    @Test
    void findsTheQueueThatHoldsAMessage() throws IOException {
        QueueId id = commit(simpleEnvelope(), "x\n");
        assertThat(queue.find(id)).contains(QueueName.ACTIVE);

        queue.move(id, QueueName.ACTIVE, QueueName.HOLD);
        assertThat(queue.find(id)).contains(QueueName.HOLD);

        queue.remove(QueueName.HOLD, id);
        assertThat(queue.find(id)).isEmpty();
    }

    @Test
    void aFailingArrivalListenerDoesNotFailTheCommit() throws IOException {
        queue.onArrival(id -> {
            throw new IllegalStateException("listener broke");
        });

        QueueId id = commit(simpleEnvelope(), "x\n");

        assertThat(queue.list(QueueName.ACTIVE)).containsExactly(id);
    }

    @Test
    void aReadMessageSeesItsOwnDoneMarks() throws IOException {
        QueueId id = commit(fullEnvelope(), "x\n");
        QueuedMessage message = queue.read(QueueName.ACTIVE, id);

        queue.markDone(message, 0);
        queue.markDone(message, 2);

        assertThat(queue.read(QueueName.ACTIVE, id).recipients())
                .extracting(RecipientState::done).containsExactly(true, false, true);
        assertThat(queue.read(QueueName.ACTIVE, id).envelope()).isEqualTo(fullEnvelope());
    }

    @Test
    void readingAnUnfinishedIncomingFileLeavesItThere() throws IOException {
        QueueFileWriter writer = queue.create(simpleEnvelope());
        writer.content().write("half".getBytes(StandardCharsets.US_ASCII));
        writer.content().flush();

        assertThatThrownBy(() -> queue.read(QueueName.INCOMING, writer.id())).isInstanceOf(CorruptQueueFileException.class);

        assertThat(queue.list(QueueName.INCOMING)).containsExactly(writer.id());
        assertThat(queue.list(QueueName.CORRUPT)).isEmpty();
        writer.commit();
        assertThat(content(queue.read(QueueName.ACTIVE, writer.id()))).isEqualTo("half");
    }

    @Test
    void fileLayoutMatchesQueueFormatDocument() throws IOException {
        QueueId id = commit(fullEnvelope(), "Subject: hi\n\nbody\n");

        String file = Files.readString(queue.path(QueueName.ACTIVE, id), StandardCharsets.UTF_8);

        String[] lines = file.split("\n", -1);
        assertThat(lines[0]).isEqualTo("BULWARK-QUEUE 2");
        assertThat(lines[1]).hasSize(QueueFileFormat.SLOT_LENGTH - 1).startsWith("S 0000000000 0000000000 ");
        assertThat(lines[2]).hasSize(QueueFileFormat.SLOT_LENGTH - 1).startsWith("S 0000000001 0000000000 ");
        String rest = file.substring(lines[0].length() + 2 * QueueFileFormat.SLOT_LENGTH + 1);
        assertThat(rest).isEqualTo("""
                T 1795455662 123456789
                F sender%20with%20space@example.org
                C mail.example.org 2001:db8::1 helo%20100%25 ESMTPSA carol
                O 8BITMIME HDRS envid+2B1 1
                N 3
                R- alice@example.com rfc822;Alice@Example.com SUCCESS,DELAY
                R- bøb@exämple.com - NEVER
                R- %2D %3D -
                M
                Subject: hi

                body
                X00000000000000000018 CHECKSUM END
                """.replace("CHECKSUM", documentedChecksum(id, file.getBytes(StandardCharsets.UTF_8))));
    }

    /** QUEUE_FORMAT.md's checksum, computed here from its words: CRC32C of the ID, then from T to the content's end. */
    static String documentedChecksum(QueueId id, byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        int from = text.indexOf("\nT ") + 1;
        int to = file.length - "X00000000000000000018 01234567 END\n".length();
        byte[] covered = java.util.Arrays.copyOfRange(file, from, to);
        String envelope = new String(covered, StandardCharsets.ISO_8859_1);
        for (int at = envelope.indexOf("\nRD "); at >= 0; at = envelope.indexOf("\nRD ", at + 1)) {
            covered[at + 2] = '-'; // a status byte counts as pending
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(id.value().getBytes(StandardCharsets.US_ASCII));
        crc.update(covered);
        return String.format("%08x", crc.getValue());
    }

    /**
     * A reused file's older message, whole, under the new name: what a crash between the commit's
     * rename and its fsync can leave in active/. The checksum covers the queue ID, so recovery
     * tells it from the new message and sends it to corrupt/.
     */
    @Test
    void anOlderMessageUnderAnotherNameIsCorruptAtRecovery() throws IOException {
        QueueId older = commit(simpleEnvelope(), "Subject: older\n\nbody\n");
        QueueId newer = commit(simpleEnvelope(), "Subject: newer\n\nbody\n");
        Files.copy(queue.path(QueueName.ACTIVE, older), queue.path(QueueName.ACTIVE, newer),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        List<String> log = MailQueue.open(dir.resolve("queue")).recover();

        assertThat(log).singleElement().asString().contains(newer.value()).contains("checksum");
        assertThat(queue.list(QueueName.CORRUPT)).containsExactly(newer);
        assertThat(queue.list(QueueName.ACTIVE)).containsExactly(older);
    }

    /**
     * Part of a large file torn: the content's bytes are another message's, the envelope and end
     * marker this one's. Only recovery reads a large file whole, and only in active/.
     */
    @Test
    void aLargeFileWithForeignBytesIsCorruptAtRecovery() throws IOException {
        String body = "x".repeat(3 * QueueFileFormat.SMALL_FILE) + "\n";
        QueueId id = commit(simpleEnvelope(), body);
        Path file = queue.path(QueueName.ACTIVE, id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap("y".repeat(4096).getBytes(StandardCharsets.US_ASCII)), 8192);
        }
        assertThat(content(queue.read(QueueName.ACTIVE, id))).hasSize(body.length()); // not read whole here

        List<String> log = MailQueue.open(dir.resolve("queue")).recover();

        assertThat(log).singleElement().asString().contains("checksum");
        assertThat(queue.list(QueueName.CORRUPT)).containsExactly(id);
    }

    /** What changes in place (done marks, retry slots, a hold reason) and a rewritten envelope leave the checksum valid. */
    @Test
    void changesInPlaceAndRewrittenEnvelopesKeepTheChecksumValid() throws IOException {
        String large = "z".repeat(2 * QueueFileFormat.SMALL_FILE) + "\n";
        List<QueueId> ids = new java.util.ArrayList<>();
        for (String body : List.of("small\n", large)) {
            QueueId marked = commit(simpleEnvelope(), body);
            queue.markDone(queue.read(QueueName.ACTIVE, marked), 0);
            ids.add(marked);
            try (QueueFileWriter writer = queue.create(simpleEnvelope())) {
                writer.content().write(body.getBytes(StandardCharsets.UTF_8));
                writer.replaceEnvelope(fullEnvelope());
                writer.commit();
                ids.add(writer.id());
            }
        }
        QueueId deferred = commit(simpleEnvelope(), large);
        queue.defer(queue.read(QueueName.ACTIVE, deferred), Instant.now().plusSeconds(60), "4.4.1 try again");
        queue.move(deferred, QueueName.DEFERRED, QueueName.ACTIVE);
        ids.add(deferred);

        assertThat(MailQueue.open(dir.resolve("queue")).recover()).isEmpty();

        assertThat(queue.list(QueueName.CORRUPT)).isEmpty();
        assertThat(queue.list(QueueName.ACTIVE)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(queue.read(QueueName.ACTIVE, ids.get(1)).envelope()).isEqualTo(fullEnvelope());
        for (QueueId id : ids) {
            byte[] file = Files.readAllBytes(queue.path(QueueName.ACTIVE, id));
            String trailer = new String(file, file.length - 13, 8, StandardCharsets.US_ASCII);
            assertThat(trailer).isEqualTo(documentedChecksum(id, file));
        }
    }

    /** Files written before the checksum (version 1, a shorter end marker) are read as before. */
    @Test
    void aVersionOneFileIsReadAsBefore() throws IOException {
        for (String body : List.of("Subject: old\n\nbody\n", "o".repeat(2 * QueueFileFormat.SMALL_FILE) + "\n")) {
            QueueId id = commit(fullEnvelope(), body);
            Path file = queue.path(QueueName.ACTIVE, id);
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            String version1 = "BULWARK-QUEUE 1" + text.substring("BULWARK-QUEUE 2".length(), text.length() - 14) + " END\n";
            Files.write(file, version1.getBytes(StandardCharsets.ISO_8859_1));

            assertThat(MailQueue.open(dir.resolve("queue")).recover()).isEmpty();
            QueuedMessage message = queue.read(QueueName.ACTIVE, id);
            assertThat(message.envelope()).isEqualTo(fullEnvelope());
            assertThat(content(message)).isEqualTo(body);
            queue.markDone(message, 0);
            assertThat(queue.read(QueueName.ACTIVE, id).contentSize()).isEqualTo(body.length());
        }
    }
}
