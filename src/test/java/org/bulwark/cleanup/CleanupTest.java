package org.bulwark.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.util.Cidr;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanupTest {

    private static final String DATE = "\\w{3}, [ \\d]\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\([^)]+\\)";
    private static final Instant ARRIVAL = Instant.parse("2026-11-23T17:41:02Z");
    private static final Predicate<InetAddress> MYNETWORKS = a -> Cidr.parse("127.0.0.0/8").contains(a);

    @TempDir
    Path dir;

    MailQueue queue;
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.com", "postfix");
    Map<String, String> params = new HashMap<>(Map.of(
            "myhostname", "mail.example.com",
            "myorigin", "example.com",
            "mail_name", "Bulwark",
            "mynetworks", "127.0.0.0/8",
            "always_add_missing_headers", "no",
            "header_size_limit", "102400"));

    @BeforeEach
    void openQueue() throws IOException {
        queue = MailQueue.open(dir.resolve("queue"));
    }

    Cleanup cleanup() {
        return new Cleanup(Config.of(params), queue, log, MYNETWORKS);
    }

    static ClientInfo outsider() {
        return new ClientInfo("mx.example.net", "192.0.2.25", "mx.example.net", "ESMTP", null);
    }

    static ClientInfo insider() {
        return new ClientInfo("localhost", "127.0.0.1", "client.example.com", "ESMTPA", "carol");
    }

    static Envelope envelope(ClientInfo client, String... recipients) {
        List<Recipient> list = java.util.Arrays.stream(recipients).map(r -> Recipient.of(MailAddress.of(r))).toList();
        return new Envelope(MailAddress.of("sender@example.org"), list, ARRIVAL, client, null, null, null, false);
    }

    /** Runs a message through cleanup and reads it back from the queue. */
    String pass(Cleanup cleanup, Envelope envelope, byte[] content) throws IOException {
        QueueId id;
        try (CleanupSession inflight = cleanup.open(envelope)) {
            inflight.content().write(content);
            id = inflight.commit();
            assertThat(id).isEqualTo(inflight.queueId());
        }
        QueuedMessage message = queue.read(QueueName.ACTIVE, id);
        try (InputStream in = message.openContent()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(message.contentSize()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
            return text;
        }
    }

    String pass(Envelope envelope, String content) throws IOException {
        return pass(cleanup(), envelope, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bodyLineEndsComeOutTheSameWhereverTheWritesSplitThem() throws IOException {
        String body = "Subject: x\r\n\r\na\r\n\r\nb\rc\r\r\nd\n\re\r\r\r\n\r";
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        String expected = "Subject: x\n\na\n\nb\rc\r\nd\n\re\r\r\n\r\n";
        Cleanup cleanup = cleanup();
        for (int split = 0; split <= bytes.length; split++) {
            for (int second = split; second <= bytes.length; second += 3) {
                QueueId id;
                try (CleanupSession inflight = cleanup.open(envelope(outsider(), "r@example.com"))) {
                    inflight.content().write(bytes, 0, split);
                    inflight.content().write(bytes, split, second - split);
                    inflight.content().write(bytes, second, bytes.length - second);
                    id = inflight.commit();
                }
                try (InputStream in = queue.read(QueueName.ACTIVE, id).openContent()) {
                    assertThat(afterReceived(new String(in.readAllBytes(), StandardCharsets.US_ASCII)))
                            .as("split at %d and %d", split, second).isEqualTo(expected);
                }
            }
        }
    }

    static String afterReceived(String stored) {
        // The Received header is the first header and its folded lines start with a tab.
        int end = 0;
        do {
            end = stored.indexOf('\n', end) + 1;
        } while (stored.charAt(end) == '\t');
        return stored.substring(end);
    }

    @Test
    void remoteClientGetsPostfixReceivedHeaderWithForClause() throws IOException {
        String stored = pass(envelope(outsider(), "rcpt@example.com"), "Subject: x\r\n\r\nbody\r\n");

        String id = queue.list(QueueName.ACTIVE).get(0).value();
        assertThat(stored).matches("(?s)Received: from mx\\.example\\.net \\(mx\\.example\\.net \\[192\\.0\\.2\\.25\\]\\)\n"
                + "\tby mail\\.example\\.com \\(Bulwark\\) with ESMTP id " + id + "\n"
                + "\tfor <rcpt@example\\.com>; " + DATE + "\n"
                + "Subject: x\n\nbody\n");
    }

    @Test
    void severalRecipientsAreNotNamedInReceived() throws IOException {
        String stored = pass(envelope(outsider(), "a@example.com", "b@example.com"), "Subject: x\n\nbody\n");

        String id = queue.list(QueueName.ACTIVE).get(0).value();
        assertThat(stored).matches("(?s)Received: from mx\\.example\\.net \\(mx\\.example\\.net \\[192\\.0\\.2\\.25\\]\\)\n"
                + "\tby mail\\.example\\.com \\(Bulwark\\) with ESMTP id " + id + ";\n"
                + "\t" + DATE + "\nSubject: x\n\nbody\n");
    }

    @Test
    void ipv6ClientAddressIsTaggedAndMissingHeloFallsBackToTheName() throws IOException {
        ClientInfo client = new ClientInfo("unknown", "2001:db8::25", null, "SMTP", null);

        String stored = pass(envelope(client, "rcpt@example.com"), "Subject: x\n\nbody\n");

        assertThat(stored).startsWith("Received: from unknown (unknown [IPv6:2001:db8::25])\n\tby mail.example.com (Bulwark) with SMTP id ");
    }

    @Test
    void localSubmissionGetsPickupReceivedForm() throws IOException {
        String stored = pass(envelope(ClientInfo.local("1000"), "rcpt@example.com"), "Subject: x\n\nbody\n");

        String id = queue.list(QueueName.ACTIVE).get(0).value();
        assertThat(stored).matches("(?s)Received: by mail\\.example\\.com \\(Bulwark, from userid 1000\\)\n"
                + "\tid " + id + "; " + DATE + "\n.*");
    }

    @Test
    void mailDateHasPostfixForm() {
        assertThat(CleanupTexts.mailDate(ARRIVAL, ZoneId.of("UTC"))).isEqualTo("Mon, 23 Nov 2026 17:41:02 +0000 (UTC)");
        assertThat(CleanupTexts.mailDate(Instant.parse("2026-11-03T08:05:09Z"), ZoneId.of("UTC")))
                .isEqualTo("Tue,  3 Nov 2026 08:05:09 +0000 (UTC)");
    }

    @Test
    void clientOutsideMynetworksGetsNoHeadersAdded() throws IOException {
        String stored = pass(envelope(outsider(), "rcpt@example.com"), "Subject: x\n\nbody\n");

        assertThat(afterReceived(stored)).isEqualTo("Subject: x\n\nbody\n");
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains(": message-id=<>");
    }

    @Test
    void clientInMynetworksGetsMessageIdAndDateButNoFrom() throws IOException {
        String stored = pass(envelope(insider(), "rcpt@example.com"), "Subject: x\n\nbody\n");

        String id = queue.list(QueueName.ACTIVE).get(0).value();
        assertThat(afterReceived(stored)).matches("Subject: x\n"
                + "Message-ID: <20261123174102\\." + id + "@mail\\.example\\.com>\n"
                + "Date: " + DATE + "\n\nbody\n");
        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .contains("postfix/cleanup[").contains(id + ": message-id=<20261123174102." + id + "@mail.example.com>");
    }

    @Test
    void localSubmissionAlsoGetsFromAtMyorigin() throws IOException {
        Envelope envelope = new Envelope(MailAddress.of("alice"), List.of(Recipient.of(MailAddress.of("bob@example.com"))),
                ARRIVAL, ClientInfo.local("1000"), null, null, null, false);

        String stored = pass(envelope, "Subject: x\n\nbody\n");

        assertThat(afterReceived(stored)).matches("Subject: x\nMessage-ID: <[^>]+>\nDate: " + DATE + "\nFrom: alice@example\\.com\n\nbody\n");
    }

    @Test
    void alwaysAddMissingHeadersCoversEveryClient() throws IOException {
        params.put("always_add_missing_headers", "yes");

        String stored = pass(envelope(outsider(), "rcpt@example.com"), "Subject: x\n\nbody\n");

        assertThat(afterReceived(stored)).matches("Subject: x\nMessage-ID: <[^>]+>\nDate: " + DATE + "\n\nbody\n");
    }

    @Test
    void presentHeadersAreNotAddedAgainAndTheOwnMessageIdIsLogged() throws IOException {
        String content = "Message-ID: <own@example.org>\nDate: Mon, 23 Nov 2026 10:00:00 +0000\nFrom: a@example.org\n\nbody\n";

        String stored = pass(envelope(ClientInfo.local("0"), "rcpt@example.com"), content);

        assertThat(afterReceived(stored)).isEqualTo(content);
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains(": message-id=<own@example.org>");
    }

    @Test
    void headerNamesAreMatchedWithoutRegardToCase() throws IOException {
        String content = "message-id: <own@example.org>\nDATE: Mon, 23 Nov 2026 10:00:00 +0000\n\nbody\n";

        String stored = pass(envelope(insider(), "rcpt@example.com"), content);

        assertThat(afterReceived(stored)).isEqualTo(content);
    }

    @Test
    void crlfBecomesLfButALoneCrIsKept() throws IOException {
        String stored = pass(envelope(outsider(), "r@example.com"), "Subject: x\r\n\r\nline one\r\nbare\rcr\r\n");

        assertThat(afterReceived(stored)).isEqualTo("Subject: x\n\nline one\nbare\rcr\n");
    }

    @Test
    void crlfSplitAcrossWritesIsStillOneLineEnd() throws IOException {
        byte[] content = "Subject: x\r\nX-Long: a\r\n b\r\n\r\nbody\r\nmore\r\n".getBytes(StandardCharsets.US_ASCII);
        Cleanup cleanup = cleanup();
        QueueId id;
        try (CleanupSession inflight = cleanup.open(envelope(outsider(), "r@example.com"))) {
            for (byte b : content) {
                inflight.content().write(new byte[] {b});
            }
            id = inflight.commit();
        }

        try (InputStream in = queue.read(QueueName.ACTIVE, id).openContent()) {
            assertThat(afterReceived(new String(in.readAllBytes(), StandardCharsets.US_ASCII)))
                    .isEqualTo("Subject: x\nX-Long: a\n b\n\nbody\nmore\n");
        }
    }

    @Test
    void foldedHeadersKeepTheirFolding() throws IOException {
        String content = "Subject: a long\n\tsubject line\n  and more\nTo: a@example.com,\n b@example.com\n\nbody\n";

        String stored = pass(envelope(outsider(), "r@example.com"), content);

        assertThat(afterReceived(stored)).isEqualTo(content);
    }

    @Test
    void headerLongerThanTheLimitIsCutAndTheNextHeaderSurvives() throws IOException {
        params.put("header_size_limit", "40");
        String content = "X-Big: " + "a".repeat(30) + "\n " + "b".repeat(30) + "\nSubject: kept\n\nbody\n";

        String stored = pass(envelope(outsider(), "r@example.com"), content);

        String expectedBig = ("X-Big: " + "a".repeat(30) + "\n " + "b".repeat(30)).substring(0, 40);
        assertThat(afterReceived(stored)).isEqualTo(expectedBig + "\nSubject: kept\n\nbody\n");
    }

    @Test
    void singleHeaderLineLongerThanTheLimitIsCut() throws IOException {
        params.put("header_size_limit", "20");

        String stored = pass(envelope(outsider(), "r@example.com"), "Subject: " + "z".repeat(100) + "\n\nbody\n");

        assertThat(afterReceived(stored)).isEqualTo("Subject: " + "z".repeat(11) + "\n\nbody\n");
    }

    @Test
    void bodyLineWithASingleDotIsKept() throws IOException {
        String stored = pass(envelope(outsider(), "r@example.com"), "Subject: x\n\nfirst\n.\n..\nlast\n");

        assertThat(afterReceived(stored)).isEqualTo("Subject: x\n\nfirst\n.\n..\nlast\n");
    }

    @Test
    void bodyWithoutSeparatorGetsAnEmptyLineAfterTheHeaders() throws IOException {
        String stored = pass(envelope(insider(), "r@example.com"), "Subject: x\nthis is not a header\n");

        assertThat(afterReceived(stored)).matches("Subject: x\nMessage-ID: <[^>]+>\nDate: " + DATE + "\n\nthis is not a header\n");
    }

    @Test
    void messageWithoutHeadersOrFinalNewlineIsCompleted() throws IOException {
        String stored = pass(envelope(outsider(), "r@example.com"), "just text");

        assertThat(afterReceived(stored)).isEqualTo("\njust text\n");
    }

    @Test
    void headerOnlyMessageGetsMissingHeadersAtTheEnd() throws IOException {
        String stored = pass(envelope(insider(), "r@example.com"), "Subject: only headers");

        assertThat(afterReceived(stored)).matches("Subject: only headers\nMessage-ID: <[^>]+>\nDate: " + DATE + "\n");
    }

    @Test
    void committedMessageIsReadableWithTheSameBody() throws IOException {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            body.append("line ").append(i).append(" of a body that is longer than any buffer\n");
        }
        String content = "From: a@example.org\nSubject: big\n\n" + body;

        String stored = pass(envelope(outsider(), "r@example.com"), content.replace("\n", "\r\n"));

        assertThat(afterReceived(stored)).isEqualTo(content);
    }

    @Test
    void openLogsTheClientAsSmtpdDoes() throws IOException {
        try (CleanupSession inflight = cleanup().open(envelope(insider(), "r@example.com"))) {
            assertThat(logBytes.toString(StandardCharsets.UTF_8))
                    .contains("postfix/smtpd[").contains(inflight.queueId() + ": client=localhost[127.0.0.1], sasl_username=carol");
        }
    }

    @Test
    void abortRemovesTheQueueFile() throws IOException {
        CleanupSession inflight = cleanup().open(envelope(outsider(), "r@example.com"));
        inflight.content().write("Subject: x\n\npartial".getBytes(StandardCharsets.US_ASCII));

        inflight.abort();

        assertThat(queue.list(QueueName.INCOMING)).isEmpty();
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
    }

    @Test
    void closeWithoutCommitAbortsButAfterCommitKeepsTheMessage() throws IOException {
        try (CleanupSession inflight = cleanup().open(envelope(outsider(), "r@example.com"))) {
            inflight.content().write("Subject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(queue.list(QueueName.INCOMING)).isEmpty();

        QueueId id;
        try (CleanupSession inflight = cleanup().open(envelope(outsider(), "r@example.com"))) {
            inflight.content().write("Subject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII));
            id = inflight.commit();
        }
        assertThat(queue.list(QueueName.ACTIVE)).containsExactly(id);
    }

    @Test
    void defaultsApplyWhenParametersAreUnset() throws IOException {
        Cleanup cleanup = new Cleanup(Config.of(Map.of("myhostname", "mx.example.com")), queue, log, a -> false);

        String stored = pass(cleanup, envelope(ClientInfo.local("0"), "r@example.com"), "Subject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(stored).startsWith("Received: by mx.example.com (Bulwark, from userid 0)");
        assertThat(stored).contains("\nFrom: sender@example.org\n");
    }

    @Test
    void largeBodyIsStreamedThroughUnchangedApartFromLineEnds() throws Exception {
        byte[] line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[line.length * 100];
        for (int i = 0; i < 100; i++) {
            System.arraycopy(line, 0, chunk, i * line.length, line.length);
        }
        java.security.MessageDigest expected = java.security.MessageDigest.getInstance("SHA-256");
        QueueId id;
        long lfBytes = 0;
        try (CleanupSession inflight = cleanup().open(envelope(outsider(), "r@example.com"))) {
            inflight.content().write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] normalized = new String(chunk, StandardCharsets.US_ASCII).replace("\r\n", "\n").getBytes(StandardCharsets.US_ASCII);
            for (long sent = 0; sent < 20L * 1024 * 1024; sent += chunk.length) {
                inflight.content().write(chunk);
                expected.update(normalized);
                lfBytes += normalized.length;
            }
            id = inflight.commit();
        }

        java.security.MessageDigest actual = java.security.MessageDigest.getInstance("SHA-256");
        long bodyBytes = 0;
        try (InputStream in = queue.read(QueueName.ACTIVE, id).openContent()) {
            String head = "";
            while (!head.endsWith("\n\n")) {
                head += (char) in.read();
            }
            assertThat(head).endsWith("Subject: big\n\n");
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                actual.update(buffer, 0, n);
                bodyBytes += n;
            }
        }
        assertThat(bodyBytes).isEqualTo(lfBytes);
        assertThat(actual.digest()).isEqualTo(expected.digest());
    }

    @Test
    void aLineWithoutAFieldNameStartsTheBody() throws IOException {
        String stored = pass(envelope(outsider(), "r@example.com"), "Subject: x\n: no name\nX-Not: a header now\n");

        assertThat(afterReceived(stored)).isEqualTo("Subject: x\n\n: no name\nX-Not: a header now\n");
    }

    @Test
    void obsoleteSpaceBeforeTheColonIsStillAHeader() throws IOException {
        String stored = pass(envelope(insider(), "r@example.com"), "Message-ID : <own@example.org>\n\nbody\n");

        assertThat(afterReceived(stored)).matches("Message-ID : <own@example.org>\nDate: " + DATE + "\n\nbody\n");
    }
}
