package org.bulwark.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the queue file reader. Whatever bytes sit in active/ (a torn write, a disk error, an
 * operator's editor), reading must give a message or {@link CorruptQueueFileException} with the
 * file moved to corrupt/; any other exception would stop the queue manager's scan.
 * Inputs are either raw bytes or a valid queue file with a few bytes changed and perhaps cut
 * short, so the fuzzer reaches the deep parts of the format quickly.
 */
class QueueFileFuzzTest {

    private static Path directory;
    private static MailQueue queue;
    private static byte[] valid;
    private static long next = 0x100000;

    @BeforeAll
    static void createQueue() throws IOException {
        directory = Files.createTempDirectory("queue-fuzz");
        queue = MailQueue.open(directory);
        Envelope envelope = new Envelope(MailAddress.of("sender@example.org"),
                List.of(new Recipient(MailAddress.of("alice@example.com"), "rfc822;Alice@Example.com", "SUCCESS"),
                        Recipient.of(MailAddress.of("bob@example.com"))),
                Instant.parse("2026-11-23T17:41:02Z"),
                new ClientInfo("mail.example.org", "192.0.2.7", "helo", "ESMTPSA", "carol"),
                "8BITMIME", "HDRS", "envid", false);
        QueueId id;
        try (QueueFileWriter writer = queue.create(envelope)) {
            writer.content().write("Subject: hi\n\nbody\n".getBytes(StandardCharsets.UTF_8));
            writer.commit();
            id = writer.id();
        }
        Path file = queue.path(queue.find(id).orElseThrow(), id);
        valid = Files.readAllBytes(file);
        Files.delete(file);
    }

    @AfterAll
    static void removeQueue() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void queueFile(FuzzedDataProvider data) throws IOException {
        byte[] bytes;
        if (data.consumeBoolean()) {
            bytes = valid.clone();
            int edits = data.consumeInt(0, 4);
            for (int i = 0; i < edits; i++) {
                bytes[data.consumeInt(0, bytes.length - 1)] = data.consumeByte();
            }
            int length = data.consumeInt(0, bytes.length);
            bytes = java.util.Arrays.copyOf(bytes, data.consumeBoolean() ? length : bytes.length);
        } else {
            bytes = data.consumeRemainingAsBytes();
        }
        QueueId id = new QueueId(String.format("%012X", next++));
        Path file = queue.path(QueueName.ACTIVE, id);
        Files.write(file, bytes);
        try {
            QueuedMessage message = queue.read(QueueName.ACTIVE, id);
            assertThat(message.recipients()).hasSameSizeAs(message.envelope().recipients());
            try (InputStream in = message.openContent()) {
                assertThat(in.readAllBytes()).hasSize((int) message.contentSize());
            }
            Files.delete(file);
        } catch (CorruptQueueFileException e) {
            assertThat(file).doesNotExist();
            Path corrupt = queue.path(QueueName.CORRUPT, id);
            assertThat(corrupt).exists();
            Files.delete(corrupt);
        }
    }
}
