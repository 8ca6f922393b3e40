package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void dashCBeforeANestedSubcommandChoosesItsConfiguration() throws Exception {
        Path maillog = dir.resolve("maillog");
        Files.writeString(maillog, "Dec  4 12:00:00 mail postfix/smtpd[7]: NOQUEUE: reject: RCPT from "
                + "unknown[127.0.0.2]: 554 5.7.1 <victim@elsewhere.example>: Relay access denied; "
                + "from=<spam@outsider.example> to=<victim@elsewhere.example> proto=ESMTP helo=<outsider>\n");
        Files.writeString(dir.resolve("main.cf"), "maillog_file = " + maillog + "\n");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = Bulwark.commandLine().execute("-c", dir.toString(), "log", "summary");
        } finally {
            System.setOut(saved);
        }

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("\\s1   rejected")
                .containsPattern("\\s1   554 Relay access denied");
    }
}
