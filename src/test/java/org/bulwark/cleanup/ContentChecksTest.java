package org.bulwark.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.bulwark.queue.RecipientState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** header_checks(5) and body_checks(5): every action, the MIME classes, and what reaches the queue. */
class ContentChecksTest {

    private static final ClientInfo CLIENT = new ClientInfo("mx.example.net", "192.0.2.25", "helo.example.net",
            "ESMTP", null);

    @TempDir
    Path dir;

    MailQueue queue;
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.com", "postfix");
    Map<String, String> params = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        queue = MailQueue.open(dir.resolve("queue"));
        params.put("myhostname", "mail.example.com");
        params.put("config_directory", dir.toString());
    }

    Cleanup cleanup() {
        return new Cleanup(Config.of(params), queue, log, a -> false);
    }

    void table(String parameter, String type, String text) throws IOException {
        Path file = dir.resolve(parameter);
        Files.writeString(file, text);
        params.put(parameter, type + ":" + file);
    }

    static Envelope envelope(ClientInfo client) {
        return new Envelope(MailAddress.of("a@example.org"), List.of(Recipient.of(MailAddress.of("c@example.com"))),
                Instant.now(), client, null, null, null, false);
    }

    QueueId send(Cleanup cleanup, ClientInfo client, String content) throws IOException {
        try (CleanupSession message = cleanup.open(envelope(client))) {
            message.content().write(content.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
            return message.commit();
        }
    }

    QueueId send(String content) throws IOException {
        return send(cleanup(), CLIENT, content);
    }

    String stored(QueueName name, QueueId id) throws IOException {
        try (InputStream in = queue.read(name, id).openContent()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // Without the Received header cleanup writes first.
            return text.substring(text.indexOf("\n", text.indexOf("for <")) + 1);
        }
    }

    String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    MessageRejectedException rejected(String content) {
        return (MessageRejectedException) org.assertj.core.api.Assertions.catchThrowable(() -> send(content));
    }

    List<String> files(QueueName name) throws IOException {
        try (var s = Files.list(dir.resolve("queue").resolve(name.name().toLowerCase()))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void rejectBySubjectRefusesWithPostfixReplyAndLogLineAndQueuesNothing() throws IOException {
        table("header_checks", "regexp", "/^Subject:.*viagra/ REJECT no pills here\n");

        MessageRejectedException e = rejected("Subject: cheap viagra\nFrom: x@example.org\n\nbody\n");

        assertThat(e.reply().code()).isEqualTo(550);
        assertThat(e.reply().text()).isEqualTo("5.7.1 no pills here");
        assertThat(files(QueueName.ACTIVE)).isEmpty();
        assertThat(files(QueueName.INCOMING)).isEmpty();
        assertThat(log()).containsPattern("postfix/cleanup\\[\\d+\\]: [0-9A-F]+: reject: header Subject: cheap viagra"
                + " from mx\\.example\\.net\\[192\\.0\\.2\\.25\\]; from=<a@example\\.org> to=<c@example\\.com>"
                + " proto=ESMTP helo=<helo\\.example\\.net>: 5\\.7\\.1 no pills here\n");
    }

    @Test
    void rejectWithoutTextSaysMessageContentRejected() throws IOException {
        table("header_checks", "pcre", "/^Subject: x$/ REJECT\n");

        assertThat(rejected("Subject: x\n\nbody\n").reply().wire())
                .isEqualTo("550 5.7.1 message content rejected\r\n");
    }

    @Test
    void aTemporaryStatusOrReplyCodeRefusesForNow() throws IOException {
        table("header_checks", "regexp", """
                /^Subject: a/ REJECT 4.7.1 try again later
                /^Subject: b/ 450 busy
                /^Subject: c/ 554 5.7.0 go away
                """);

        assertThat(rejected("Subject: a\n\nx\n").reply().wire()).isEqualTo("451 4.7.1 try again later\r\n");
        assertThat(rejected("Subject: b\n\nx\n").reply().wire()).isEqualTo("450 4.7.1 busy\r\n");
        assertThat(rejected("Subject: c\n\nx\n").reply().wire()).isEqualTo("554 5.7.0 go away\r\n");
    }

    @Test
    void discardClaimsSuccessAndKeepsNothing() throws IOException {
        table("body_checks", "regexp", "/^drop me/ DISCARD by body\n");

        QueueId id = send("Subject: s\n\nline\ndrop me now\n");

        assertThat(id).isNotNull();
        assertThat(files(QueueName.ACTIVE)).isEmpty();
        assertThat(files(QueueName.INCOMING)).isEmpty();
        assertThat(log()).contains(id.value() + ": discard: body drop me now from mx.example.net[192.0.2.25];"
                + " from=<a@example.org> to=<c@example.com> proto=ESMTP helo=<helo.example.net>: by body");
    }

    @Test
    void holdPutsTheMessageInTheHoldQueue() throws IOException {
        table("header_checks", "regexp", "/^X-Hold:/ HOLD quarantined\n/^X-Hold:/ HOLD twice\n");

        QueueId id = send("X-Hold: yes\nX-Hold: again\n\nbody\n");

        assertThat(files(QueueName.HOLD)).containsExactly(id.value());
        assertThat(stored(QueueName.HOLD, id)).endsWith("X-Hold: yes\nX-Hold: again\n\nbody\n");
        assertThat(log()).contains(id.value() + ": hold: header X-Hold: yes from").contains(": quarantined\n");
        assertThat(log()).doesNotContain("hold: header X-Hold: again");
    }

    @Test
    void ignoreAndStripDropTheHeaderStripLogsIt() throws IOException {
        table("header_checks", "regexp", "/^X-Secret:/ IGNORE\n/^X-Mailer:/ STRIP no mailers\n");

        QueueId id = send("X-Secret: 1\nX-Mailer: m\nSubject: kept\n\nbody\n");

        assertThat(stored(QueueName.ACTIVE, id)).doesNotContain("X-Secret").doesNotContain("X-Mailer")
                .contains("Subject: kept\n");
        assertThat(log()).contains(": strip: header X-Mailer: m from").doesNotContain("X-Secret");
    }

    @Test
    void prependAndReplaceEditHeadersAndBodyLines() throws IOException {
        table("header_checks", "pcre", """
                /^Subject: (.*)/ PREPEND X-Subject-Seen: $1
                /^X-Old: (.*)/ REPLACE X-New: $1
                /^X-Bad:/ PREPEND not a header
                """);
        table("body_checks", "regexp", "/^secret (.*)/ REPLACE [redacted]\n/^sig/ PREPEND --\n");

        QueueId id = send("Subject: hello\nX-Old: v\nX-Bad: 1\n\nsecret 42\nsig\n");

        assertThat(stored(QueueName.ACTIVE, id)).contains(
                "X-Subject-Seen: hello\nSubject: hello\nX-New: v\nX-Bad: 1\n").endsWith("\n[redacted]\n--\nsig\n");
        assertThat(log()).contains(": prepend: header Subject: hello from")
                .contains(": replace: body secret 42 from")
                .contains("warning: bad PREPEND header text \"not a header\" in header_checks map -- need"
                        + " \"headername: headervalue\"");
    }

    @Test
    void warnInfoDunnoAndOkLogOnlyAndChangeNothing() throws IOException {
        table("header_checks", "regexp", """
                /^Subject: w/ WARN watch this
                /^Subject: i/ INFO just so
                /^Subject: d/ DUNNO
                /^Subject: o/ OK
                /^Subject: u/ FROBNICATE
                """);

        QueueId id = send("Subject: w\nSubject: i\nSubject: d\nSubject: o\nSubject: u\n\nbody\n");

        assertThat(stored(QueueName.ACTIVE, id)).startsWith("Subject: w\nSubject: i\nSubject: d\nSubject: o\n"
                + "Subject: u\n");
        assertThat(log()).contains(": warning: header Subject: w from").contains(": watch this\n")
                .contains(": info: header Subject: i from")
                .contains("warning: unknown command in header_checks map: FROBNICATE");
    }

    @Test
    void redirectBccAndFilterChangeTheQueuedEnvelope() throws IOException {
        table("header_checks", "regexp", """
                /^X-Route: r/ REDIRECT boss@example.com
                /^X-Route: b/ BCC archive@example.com
                /^X-Route: f/ FILTER smtp:[127.0.0.1]:10025
                """);

        QueueId redirected = send("X-Route: r\n\nbody\n");
        QueueId copied = send("X-Route: b\nX-Route: f\n\nbody\n");

        QueuedMessage r = queue.read(QueueName.ACTIVE, redirected);
        assertThat(r.recipients()).extracting(s -> s.recipient().address().internal())
                .containsExactly("boss@example.com");
        QueuedMessage c = queue.read(QueueName.ACTIVE, copied);
        assertThat(c.recipients()).extracting(s -> s.recipient().address().internal())
                .containsExactly("c@example.com", "archive@example.com");
        assertThat(c.recipients()).extracting(s -> s.recipient().dsnNotify()).as("a BCC copy asks for no notices")
                .containsExactly(null, "NEVER");
        assertThat(c.envelope().filter()).isEqualTo("smtp:[127.0.0.1]:10025");
        assertThat(stored(QueueName.ACTIVE, copied)).endsWith("X-Route: b\nX-Route: f\n\nbody\n");
        assertThat(log()).contains(redirected.value() + ": redirect: header X-Route: r from")
                .contains(": boss@example.com\n").contains(copied.value() + ": bcc: header X-Route: b")
                .contains(copied.value() + ": filter: header X-Route: f");
    }

    static final String ATTACHMENT = """
            Subject: report
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="XYZ"

            preamble
            --XYZ
            Content-Type: text/plain

            see attached
            --XYZ
            Content-Type: application/octet-stream
            Content-Disposition: attachment;
            \tfilename="invoice.exe"

            TVqQAAMAAAAEAAAA
            --XYZ--
            epilogue
            """;

    @Test
    void mimeHeaderChecksBlockAnAttachmentByItsFileName() throws IOException {
        table("header_checks", "regexp", "/^Subject: report/ WARN primary header seen\n");
        table("mime_header_checks", "regexp",
                "/^Content-(Disposition|Type).*name\\s*=\\s*\"?.*\\.(exe|bat)\"?/ REJECT attachment not allowed\n");

        MessageRejectedException e = rejected(ATTACHMENT);

        assertThat(e.reply().wire()).isEqualTo("550 5.7.1 attachment not allowed\r\n");
        assertThat(log()).contains(": reject: header Content-Disposition: attachment;??filename=\"invoice.exe\" from")
                .contains(": warning: header Subject: report from");
    }

    @Test
    void headerChecksDoNotSeePartHeadersAndMimeHeaderChecksDefaultToThem() throws IOException {
        table("header_checks", "regexp", "/^Content-Type: text\\/plain/ WARN text part\n");

        send(ATTACHMENT);

        // mime_header_checks = $header_checks: the part's Content-Type is seen, with the same table.
        assertThat(log()).contains(": warning: header Content-Type: text/plain from");
        logBytes.reset();
        params.put("mime_header_checks", "");
        send(ATTACHMENT);
        assertThat(log()).doesNotContain("warning: header");
    }

    @Test
    void nestedHeaderChecksSeeTheHeadersOfAnAttachedMessage() throws IOException {
        table("header_checks", "regexp", "/^Subject:/ INFO primary\n");
        table("nested_header_checks", "regexp", "/^Subject:/ INFO nested\n");
        String message = """
                Subject: outer
                Content-Type: multipart/mixed; boundary=b1

                --b1
                Content-Type: message/rfc822

                Subject: inner
                From: x@example.net

                inner body
                --b1--
                """;

        send(message);

        assertThat(log()).contains("info: header Subject: outer from").contains(": primary\n")
                .contains("info: header Subject: inner from").contains(": nested\n");
    }

    @Test
    void bodyChecksSeeBoundariesAndStopAtTheSizeLimitOfEachPart() throws IOException {
        table("body_checks", "regexp", "/^--XYZ$/ INFO boundary\n/^late/ WARN late line\n");
        params.put("body_checks_size_limit", "20");
        String message = """
                Content-Type: multipart/mixed; boundary=XYZ

                --XYZ
                Content-Type: text/plain

                0123456789012345678901234
                late in part one
                --XYZ
                Content-Type: text/plain

                late in part two
                --XYZ--
                """;

        send(message);

        assertThat(log()).contains("info: body --XYZ from").contains("warning: body late in part two from")
                .doesNotContain("late in part one");
    }

    @Test
    void withMimeProcessingOffTheBodyIsOneSegment() throws IOException {
        table("header_checks", "regexp", "/^Content-Type: text/ WARN part header\n");
        params.put("disable_mime_input_processing", "yes");

        send("Content-Type: multipart/mixed; boundary=XYZ\n\n--XYZ\nContent-Type: text/plain\n\nx\n--XYZ--\n");

        assertThat(log()).doesNotContain("warning: header");
    }

    @Test
    void aFoldedHeaderIsMatchedWholeWithItsLineBreaks() throws IOException {
        table("header_checks", "regexp", "/^Subject: first.*second/ INFO folded\n");

        send("Subject: first\n second\n\nbody\n");

        assertThat(log()).contains("info: header Subject: first? second from");
    }

    @Test
    void noHeaderBodyChecksTurnsTheChecksOffForThatServiceAndInternalMail() throws IOException {
        table("header_checks", "regexp", "/^Subject:/ REJECT\n");
        Cleanup cleanup = cleanup();
        Config reinjection = Config.of(params).with(Map.of("receive_override_options", "no_header_body_checks"));

        assertThat(send(cleanup.forService(reinjection), CLIENT, "Subject: x\n\nbody\n")).isNotNull();
        assertThat(send(cleanup.internal(), CLIENT, "Subject: x\n\nbody\n")).isNotNull();
        assertThatThrownBy(() -> send(cleanup, CLIENT, "Subject: x\n\nbody\n"))
                .isInstanceOf(MessageRejectedException.class);
    }

    @Test
    void aLocalSubmissionIsLoggedFromLocalWithoutProtoOrHelo() throws IOException {
        table("header_checks", "regexp", "/^Subject:/ INFO seen\n");

        QueueId id = send(cleanup(), ClientInfo.local("alice"), "Subject: x\n\nbody\n");

        assertThat(log()).contains(id.value() + ": info: header Subject: x from local; from=<a@example.org>"
                + " to=<c@example.com>: seen\n");
    }

    @Test
    void strict7bitHeadersRefusesEightBitHeaderBytes() throws IOException {
        params.put("strict_7bit_headers", "yes");

        assertThat(send("Subject: plain\n\nbody \u00e9\n")).isNotNull();
        MessageRejectedException e = rejected("Subject: caf\u00e9\n\nbody\n");

        assertThat(e.reply().wire()).isEqualTo("550 5.6.0 improper use of 8-bit data in message header\r\n");
        assertThat(log()).containsPattern(": reject: mime-error improper use of 8-bit data in message header:"
                + " Subject: caf\u00e9 from mx\\.example\\.net\\[192\\.0\\.2\\.25\\]; from=<a@example\\.org>"
                + " to=<c@example\\.com>\n");
    }

    @Test
    void strict8bitmimeBodyRefusesEightBitBytesOnlyWhereThePartSays7bit() throws IOException {
        params.put("strict_8bitmime_body", "yes");

        assertThat(send("Content-Transfer-Encoding: 8bit\n\ncaf\u00e9\n")).isNotNull();
        assertThat(rejected("Subject: x\n\ncaf\u00e9\n").reply().wire())
                .isEqualTo("550 5.6.0 improper use of 8-bit data in message body\r\n");
    }

    @Test
    void strictMimeEncodingDomainRefusesAnEncodedMultipart() throws IOException {
        params.put("strict_mime_encoding_domain", "yes");
        String multipart = "Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: %s\n\n--b\n\nx\n--b--\n";

        assertThat(send(multipart.formatted("7bit"))).isNotNull();
        assertThat(rejected(multipart.formatted("base64")).reply().wire())
                .isEqualTo("550 5.6.0 invalid message/* or multipart/* encoding domain\r\n");
    }

    @Test
    void aRejectActionWinsOverAMimeError() throws IOException {
        params.put("strict_8bitmime", "yes");
        table("body_checks", "regexp", "/^bad/ REJECT bad line\n");

        assertThat(rejected("Subject: caf\u00e9\n\nbad\n").reply().wire()).isEqualTo("550 5.7.1 bad line\r\n");
    }

    @Test
    void aCleanupServiceWithItsOwnHeaderChecksAppliesToTheServicesThatNameIt() throws IOException {
        table("header_checks", "regexp", "/^X-Main:/ REJECT\n");
        Path submission = dir.resolve("submission_header_checks");
        Files.writeString(submission, "/^X-Originating-IP:/ IGNORE\n");
        Cleanup cleanup = cleanup();

        Cleanup subcleanup = cleanup.forService(Config.of(params),
                Map.of("header_checks", "regexp:" + submission));
        QueueId id = send(subcleanup, CLIENT, "X-Main: 1\nX-Originating-IP: 10.1.2.3\n\nbody\n");

        assertThat(stored(QueueName.ACTIVE, id)).startsWith("X-Main: 1\n").doesNotContain("X-Originating-IP");
        assertThat(cleanup.forService(Config.of(params), Map.of("smtpd_tls_loglevel", "1"))).isSameAs(cleanup);
    }

    @Test
    void theReceivedHeaderCleanupWritesIsCheckedSoASubmissionClientCanBeHidden() throws IOException {
        table("header_checks", "regexp", "/^Received:.*with ESMTPA/ IGNORE\n");
        ClientInfo submitter = new ClientInfo("laptop.example.net", "198.51.100.7", "laptop", "ESMTPA", "carol");

        table("body_checks", "regexp", "/^body/ INFO seen\n");

        QueueId id = send(cleanup(), submitter, "Subject: private\n\nbody\n");

        try (InputStream in = queue.read(QueueName.ACTIVE, id).openContent()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).startsWith("Subject: private\n").doesNotContain("198.51.100.7");
        }
        // proto= as smtpd logs the session, ESMTP, not the Received header's ESMTPA.
        assertThat(log()).contains(": info: body body from laptop.example.net[198.51.100.7]; from=<a@example.org>"
                + " to=<c@example.com> proto=ESMTP helo=<laptop>: seen\n");
    }

    @Test
    void headersCleanupAddsAreNotChecked() throws IOException {
        table("header_checks", "regexp", "/^(Message-ID|Date):/ REJECT\n");
        params.put("always_add_missing_headers", "yes");

        QueueId id = send("Subject: no id\n\nbody\n");

        assertThat(stored(QueueName.ACTIVE, id)).contains("Message-ID: <").contains("Date: ");
        assertThatThrownBy(() -> send("Subject: x\nDate: Mon, 7 Dec 2026 03:00:00 +0000\n\nbody\n"))
                .isInstanceOf(MessageRejectedException.class);
    }

    @Test
    void passAndRedirectEndInspectionOfTheMessage() throws IOException {
        table("header_checks", "regexp", """
                /^X-Pass:/     PASS trusted source
                /^X-Redirect:/ REDIRECT boss@example.com
                /^X-Bad:/      REJECT
                """);
        table("body_checks", "regexp", "/^bad/ REJECT\n");

        QueueId passed = send("X-Pass: 1\nX-Bad: 1\n\nbad\n");
        QueueId redirected = send("X-Redirect: 1\nX-Bad: 1\n\nbad\n");

        assertThat(queue.read(QueueName.ACTIVE, passed).recipients()).hasSize(1);
        assertThat(queue.read(QueueName.ACTIVE, redirected).recipients().get(0).recipient().address().internal())
                .isEqualTo("boss@example.com");
        assertThat(log()).contains(passed.value() + ": pass: header X-Pass: 1 from").contains(": trusted source\n")
                .doesNotContain("reject:");
        assertThatThrownBy(() -> send("X-Bad: 1\n\nbody\n")).isInstanceOf(MessageRejectedException.class);
    }
}
