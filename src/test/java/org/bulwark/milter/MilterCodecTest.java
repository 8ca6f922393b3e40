package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.bulwark.mail.SmtpReply;
import org.junit.jupiter.api.Test;

/** The frame codec and the reply-code parser, without sockets. */
class MilterCodecTest {

    private static FrameReader reader(byte[] bytes) {
        return new FrameReader(new ByteArrayInputStream(bytes));
    }

    @Test
    void framesRoundTrip() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter();
        w.start((byte) 'm').putInt(2).putString("Subject").putString("new").writeTo(out);
        w.start((byte) 'c').writeTo(out);
        byte[] bytes = out.toByteArray();
        assertThat(bytes).startsWith(0, 0, 0, 17, 'm', 0, 0, 0, 2, 'S');
        FrameReader r = reader(bytes);
        assertThat(r.next(MilterProtocol.BODYEOB)).isEqualTo((byte) 'm');
        assertThat(r.getInt()).isEqualTo(2);
        assertThat(r.getString()).isEqualTo("Subject");
        assertThat(r.getString()).isEqualTo("new");
        assertThat(r.remaining()).isZero();
        assertThat(r.next(MilterProtocol.BODYEOB)).isEqualTo((byte) 'c');
        assertThat(r.remaining()).isZero();
    }

    @Test
    void lengthsOutsideTheLimitsAreRefusedBeforeReading() {
        assertThatThrownBy(() -> reader(new byte[] {0, 0, 0, 0, 'c'}).next(MilterProtocol.HELO))
                .hasMessage("bad packet length: 0");
        assertThatThrownBy(() -> reader(new byte[] {(byte) 0x80, 0, 0, 0}).next(MilterProtocol.HELO))
                .hasMessage("bad packet length: -2147483648");
        assertThatThrownBy(() -> reader(new byte[] {0, 0x10, 0, 0x41}).next(MilterProtocol.HELO))
                .hasMessage("unreasonable packet length: 1048641 > 1048640")
                .isInstanceOf(MilterException.class);
    }

    @Test
    void truncatedInputIsReported() {
        assertThatThrownBy(() -> reader(new byte[] {0, 0}).next(MilterProtocol.MAIL))
                .hasMessage("can't read SMFIC_MAIL reply packet header: end of file");
        assertThatThrownBy(() -> reader(new byte[] {0, 0, 0, 5, 'h', 'a'}).next(MilterProtocol.BODYEOB))
                .hasMessage("EOF while reading data: end of file");
        assertThatThrownBy(() -> {
            FrameReader r = reader(new byte[] {0, 0, 0, 3, 'h', 'a', 'b'});
            r.next(MilterProtocol.BODYEOB);
            r.getString();
        }).hasMessage("missing string null terminator");
    }

    @Test
    void customReplies() {
        assertThat(ReplyText.parseCustom("550 5.7.1 Go away")).isEqualTo(SmtpReply.of(550, "5.7.1", "Go away"));
        assertThat(ReplyText.parseCustom("451 try later")).isEqualTo(SmtpReply.of(451, null, "try later"));
        assertThat(ReplyText.parseCustom("550-5.7.1 one\r\n550 5.7.1 two 100%%"))
                .isEqualTo(new SmtpReply(550, "5.7.1", List.of("one", "two 100%")));
        assertThat(ReplyText.parseCustom("250 ok")).isNull();
        assertThat(ReplyText.parseCustom("550 4.7.1 class mismatch")).isNull();
        assertThat(ReplyText.parseCustom("55")).isNull();
        assertThat(ReplyText.parseCustom("550-5.7.1 one\r\n450 4.7.1 two")).isNull();
    }
}
