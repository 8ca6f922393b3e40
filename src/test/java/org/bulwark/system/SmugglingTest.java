package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMTP smuggling: only CRLF.CRLF ends DATA (RFC 5321 §4.1.1.4). Every other "end of data" a
 * sender's server might pass through is either refused or kept inside the message; none starts
 * a second transaction.
 */
class SmugglingTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r\n", "\r\n.\r", "\n.\r\n", "\r\n.\n", "\r.\r", "\r\n\u0000.\r\n", "\n.\n\r\n"})
    void noEndOfDataVariantStartsASecondMessage(String fakeEnd) throws Exception {
        system = new MailSystemFixture(root).start();
        String smuggled = "MAIL FROM:<evil@example.org>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
                + "Subject: smuggled\r\n\r\nsmuggled\r\n";
        String replies;
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO sender.example.org");
            smtp.command("MAIL FROM:<sender@example.org>");
            smtp.command("RCPT TO:<alice@example.test>");
            smtp.command("DATA");
            smtp.send("Subject: carrier\r\n\r\nfirst" + fakeEnd + smuggled + "\r\n.\r\n");
            replies = smtp.reply();
            smtp.send("QUIT\r\n");
            StringBuilder rest = new StringBuilder();
            for (String more = smtp.reply(); !more.isEmpty(); more = smtp.reply()) {
                rest.append(more).append('\n');
            }
            replies += "\n" + rest;
        }
        // A reply that starts with 354; the digits may well occur in a queue ID.
        assertThat(replies.lines()).as("replies after the message: " + replies).noneMatch(line -> line.startsWith("354"));
        if (replies.startsWith("250")) {
            system.awaitDelivered("alice", 1);
        }
        system.awaitLog("disconnect from");
        assertThat(system.delivered("bob")).as("a smuggled second message").isEmpty();
    }
}
