package org.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DataReaderTest {

    private record Result(DataReader.Outcome outcome, String content, String rest, ContentSink sink) { }

    private static Result read(String wire, BareNewline mode, long limit) throws IOException {
        SmtpInput input = new SmtpInput(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), () -> { });
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        ContentSink sink = new ContentSink(stored, limit);
        DataReader.Outcome outcome = new DataReader(mode, 2048).read(input, sink);
        InputLine next = input.readLine(2048);
        return new Result(outcome, stored.toString(StandardCharsets.ISO_8859_1), next == null ? null : next.text(), sink);
    }

    @Test
    void endsAtCrlfDotCrlfAndUnstuffsDots() throws IOException {
        Result r = read("Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n", BareNewline.NORMALIZE, 0);
        assertThat(r.outcome()).isEqualTo(DataReader.Outcome.COMPLETE);
        assertThat(r.content()).isEqualTo("Subject: x\r\n\r\n.leading dot\r\n");
        assertThat(r.rest()).isEqualTo("QUIT");
    }

    @Test
    void endsAtOnceForAnEmptyMessage() throws IOException {
        assertThat(read(".\r\n", BareNewline.NORMALIZE, 0).content()).isEmpty();
    }

    @Test
    void bareLfDotBareLfDoesNotEndTheMessage() throws IOException {
        Result r = read("a\n.\nMAIL FROM:<evil@x>\r\n.\r\n", BareNewline.NORMALIZE, 0);
        assertThat(r.outcome()).isEqualTo(DataReader.Outcome.COMPLETE);
        assertThat(r.content()).isEqualTo("a\r\n.\r\nMAIL FROM:<evil@x>\r\n");
        assertThat(r.rest()).isNull();
    }

    @Test
    void noSmugglingSequenceEndsTheMessage() throws IOException {
        for (String smuggle : new String[] {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r\n.\r"}) {
            Result r = read("a" + smuggle + "RCPT TO:<x@y>\r\n.\r\n", BareNewline.NO, 0);
            assertThat(r.content()).as(smuggle.replace("\r", "CR").replace("\n", "LF")).contains("RCPT TO:<x@y>");
            assertThat(r.rest()).isNull();
        }
    }

    @Test
    void keepsBareLfAsIsWhenNotForbidden() throws IOException {
        assertThat(read("a\nb\r\n.\r\n", BareNewline.NO, 0).content()).isEqualTo("a\nb\r\n");
    }

    @Test
    void stopsAtABareLfWhenRejecting() throws IOException {
        assertThat(read("a\nb\r\n.\r\n", BareNewline.REJECT, 0).outcome()).isEqualTo(DataReader.Outcome.BARE_NEWLINE);
    }

    @Test
    void readsToTheEndButStopsStoringPastTheSizeLimit() throws IOException {
        Result r = read("0123456789\r\n0123456789\r\n.\r\nNOOP\r\n", BareNewline.NORMALIZE, 15);
        assertThat(r.sink().tooBig()).isTrue();
        assertThat(r.content()).isEqualTo("0123456789\r\n");
        assertThat(r.rest()).isEqualTo("NOOP");
    }

    @Test
    void readsLinesLongerThanTheSegmentLength() throws IOException {
        String longLine = ".".repeat(5000);
        Result r = read(longLine + "\r\n.\r\n", BareNewline.NORMALIZE, 0);
        assertThat(r.content()).isEqualTo(longLine.substring(1) + "\r\n");
    }

    @Test
    void keepsReadingWhenTheDestinationFails() throws IOException {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        };
        SmtpInput input = new SmtpInput(new ByteArrayInputStream("a\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII)), () -> { });
        ContentSink sink = new ContentSink(broken, 0);
        new DataReader(BareNewline.NORMALIZE, 2048).read(input, sink);
        assertThat(sink.failure()).hasMessage("disk full");
        assertThat(input.readLine(100).text()).isEqualTo("QUIT");
    }

    @Test
    void reportsAConnectionLostInContent() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read("a\r\nb", BareNewline.NORMALIZE, 0))
                .isInstanceOf(EOFException.class);
    }
}
