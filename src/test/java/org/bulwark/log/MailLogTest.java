package org.bulwark.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MailLogTest {

    /** The writes that reach the stream, one entry each. */
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private final MailLog log = MailLog.to(new PrintStream(new OutputStream() {
        @Override
        public void write(int b) {
            writes.add(String.valueOf((char) b));
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    }, true, StandardCharsets.UTF_8), "mail.example.test", "postfix");

    @Test
    void aLoneLineIsWrittenAtOnce() {
        log.program("qmgr").info("ABC: removed");

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0)).endsWith(" mail postfix/qmgr[" + ProcessHandle.current().pid() + "]: ABC: removed\n");
    }

    @Test
    void theStampIsSyslogsInTheLocalZone() {
        long second = java.time.Instant.parse("2026-01-07T23:04:05Z").getEpochSecond();
        assertThat(MailLog.syslogTime(second, 0)).isEqualTo("Jan  7 23:04:05");
        assertThat(MailLog.syslogTime(second, 3600)).isEqualTo("Jan  8 00:04:05");
        assertThat(MailLog.syslogTime(second, -5 * 3600)).isEqualTo("Jan  7 18:04:05");
        assertThat(MailLog.syslogTime(java.time.Instant.parse("2026-12-17T09:00:00Z").getEpochSecond(), 0))
                .isEqualTo("Dec 17 09:00:00");

        java.time.format.DateTimeFormatter day = java.time.format.DateTimeFormatter.ofPattern("MMM ppd", java.util.Locale.ROOT);
        String before = day.format(java.time.LocalDateTime.now());
        log.program("qmgr").info("ABC: removed");
        String after = day.format(java.time.LocalDateTime.now());
        assertThat(writes.get(0)).matches("[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d mail postfix/qmgr.*\n");
        // The local date, read on both sides of the write in case midnight falls between.
        assertThat(writes.get(0).substring(0, 6)).isIn(before, after);
    }

    @Test
    void heldLinesGoOutTogetherWhenTheHoldCloses() {
        List<String> observed = new ArrayList<>();
        log.observe(observed::add);

        try (MailLog.Hold hold = log.hold()) {
            log.program("virtual").info("ABC: to=<a@example.test>, status=sent");
            try (MailLog.Hold nested = log.hold()) {
                log.program("qmgr").info("ABC: removed");
            }
            assertThat(writes).as("nothing yet, not even at the nested hold's close").isEmpty();
            assertThat(observed).as("observers see each line at once").hasSize(2);
        }

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0)).contains("virtual[").contains("status=sent\n").endsWith("qmgr[" + ProcessHandle.current().pid() + "]: ABC: removed\n");
    }

    @Test
    void anotherThreadsLinesAreNotHeld() throws Exception {
        try (MailLog.Hold hold = log.hold()) {
            Thread other = Thread.ofVirtual().start(() -> log.program("smtpd").info("connect from x[192.0.2.1]"));
            other.join();
            assertThat(writes).hasSize(1);
        }
        assertThat(writes).hasSize(1);
    }

    @Test
    void aHoldWithoutLinesWritesNothing() {
        log.hold().close();

        assertThat(writes).isEmpty();
    }
}
