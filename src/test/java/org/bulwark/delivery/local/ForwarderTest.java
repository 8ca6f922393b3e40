package org.bulwark.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.config.Config;
import org.bulwark.delivery.TestMessage;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwarderTest {

    @TempDir
    Path queueDirectory;

    @Test
    void forwardsThroughCleanupAsANewQueuedMessageWithDeliveredTo() throws Exception {
        MailQueue queue = MailQueue.open(queueDirectory);
        Config config = Config.of(Map.of("myhostname", "mail.example.com", "mynetworks", "127.0.0.0/8"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Cleanup cleanup = new Cleanup(config, queue, MailLog.to(new PrintStream(log, true, StandardCharsets.UTF_8), "mail", "postfix"));
        TestMessage original = TestMessage.of("s@example.org",
                "Subject: away\nMessage-ID: <1@example.org>\nDate: Mon, 23 Nov 2026 17:00:00 +0000\nFrom: s@example.org\n\nbody\n",
                "away@example.com");

        QueueId id = Forwarder.through(cleanup).forward(original, MailAddress.of("away@example.com"),
                List.of(MailAddress.of("someone@example.net")));

        QueuedMessage forwarded = queue.read(QueueName.ACTIVE, id);
        assertThat(forwarded.envelope().sender()).isEqualTo(MailAddress.of("s@example.org"));
        assertThat(forwarded.recipients()).extracting(r -> r.recipient().address())
                .containsExactly(MailAddress.of("someone@example.net"));
        String content;
        try (var in = forwarded.openContent()) {
            content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(content).contains("Delivered-To: away@example.com\nSubject: away\n").endsWith("\nbody\n");
    }
}
