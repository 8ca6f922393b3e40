package org.bulwark.pickup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaildropFileTest {

    @Test
    void readsBackWhatItWroteAndLeavesTheStreamAtTheContent() throws IOException {
        MaildropFile drop = new MaildropFile(1000, "alice", "alice@example.test", "Alice Example", true,
                List.of("bob@example.test", "carol"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drop.writeTo(out);
        out.write("Subject: hi\n\nbody\n".getBytes(StandardCharsets.UTF_8));

        InputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(MaildropFile.readFrom(in)).isEqualTo(drop);
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Subject: hi\n\nbody\n");
    }

    @Test
    void keepsTheNullSender() throws IOException {
        MaildropFile drop = new MaildropFile(0, "root", "", null, false, List.of("bob@example.test"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drop.writeTo(out);
        assertThat(MaildropFile.readFrom(new ByteArrayInputStream(out.toByteArray())).sender()).isEmpty();
    }

    @Test
    void rejectsAFileWithoutTheMagicLine() {
        InputStream in = new ByteArrayInputStream("Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> MaildropFile.readFrom(in)).isInstanceOf(MaildropFile.MalformedMaildropException.class);
    }

    @Test
    void rejectsATruncatedEnvelope() {
        InputStream in = new ByteArrayInputStream("bulwark-maildrop 1\nuid 5\nuser a\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> MaildropFile.readFrom(in)).isInstanceOf(MaildropFile.MalformedMaildropException.class);
    }

    @Test
    void refusesALineBreakInsideAValue() {
        assertThatThrownBy(() -> new MaildropFile(1, "a", "x\nrecipient evil@example.test", null, false, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
