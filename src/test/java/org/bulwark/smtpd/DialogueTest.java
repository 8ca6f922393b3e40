package org.bulwark.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the scripted dialogues of {@code smtpd/dialogues.txt}: probe in, exact Postfix reply out. */
class DialogueTest {

    record Dialogue(String name, List<String> script) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Dialogue> dialogues() throws IOException {
        List<Dialogue> out = new ArrayList<>();
        try (InputStream in = DialogueTest.class.getResourceAsStream("/smtpd/dialogues.txt")) {
            String name = null;
            List<String> script = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("== ")) {
                    name = line.substring(3);
                    script = new ArrayList<>();
                    out.add(new Dialogue(name, script));
                } else if (script != null && (line.startsWith("C: ") || line.startsWith("S: "))) {
                    script.add(line);
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dialogues")
    void serverAnswersAsScripted(Dialogue dialogue) throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            List<String> expected = new ArrayList<>();
            for (String line : dialogue.script()) {
                if (line.startsWith("C: ")) {
                    c.write(line.substring(3) + "\r\n");
                    continue;
                }
                String text = line.substring(3);
                expected.add(text);
                if (text.length() >= 4 && text.charAt(3) == '-') {
                    continue;
                }
                assertThat(c.reply()).as("after %s", expected).isEqualTo(String.join("\n", expected));
                expected.clear();
            }
        }
    }
}
