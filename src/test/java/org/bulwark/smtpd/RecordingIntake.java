package org.bulwark.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;

/**
 * Stands in for cleanup until the real one is merged: keeps committed messages in memory and can
 * be told to fail the queue file's creation or its commit.
 */
final class RecordingIntake implements MessageIntake {

    record Message(QueueId id, Envelope envelope, String content) { }

    final List<Message> committed = new CopyOnWriteArrayList<>();
    final AtomicInteger aborted = new AtomicInteger();
    volatile boolean failCommit;
    volatile boolean failOpen;
    private final AtomicInteger next = new AtomicInteger(0xA10000);

    @Override
    public CleanupSession open(Envelope envelope) throws IOException {
        if (failOpen) {
            throw new IOException("simulated queue file creation failure");
        }
        QueueId id = new QueueId(Integer.toHexString(next.incrementAndGet()).toUpperCase());
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        return new CleanupSession() {
            private boolean done;
            private Envelope committedEnvelope = envelope;

            @Override
            public QueueId queueId() {
                return id;
            }

            @Override
            public OutputStream content() {
                return content;
            }

            @Override
            public QueueId commit() throws IOException {
                if (failCommit) {
                    throw new IOException("simulated fsync failure");
                }
                done = true;
                committed.add(new Message(id, committedEnvelope, content.toString(StandardCharsets.UTF_8)));
                return id;
            }

            @Override
            public void hold() {
                // the recording keeps every message alike
            }

            @Override
            public void reroute(Envelope rerouted) {
                committedEnvelope = rerouted;
            }

            @Override
            public void abort() {
                if (!done) {
                    done = true;
                    aborted.incrementAndGet();
                }
            }

            @Override
            public void close() {
                abort();
            }
        };
    }
}
