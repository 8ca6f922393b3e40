package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bulwark.testing.ScriptedMilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What smtpd tells its milters about the client and its refused recipients, through a running
 * server and a real libmilter milter: SMFIP_RCPT_REJ, smtpd_milter_maps, milter_macro_defaults,
 * XCLIENT and the PROXY protocol.
 */
class SmtpdMilterClientsTest {

    @TempDir
    Path root;

    private MailSystemFixture system;
    private ScriptedMilter milter;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
        if (milter != null) {
            milter.close();
        }
    }

    private MailSystemFixture system(String script) throws Exception {
        milter = ScriptedMilter.start(root.resolve("milter"), script);
        system = new MailSystemFixture(root.resolve("system")).set("smtpd_milters", "unix:" + milter.socket());
        return system;
    }

    private static String relayRefusedThenLocal(SmtpDialogue smtp) throws Exception {
        assertThat(smtp.reply()).startsWith("220 ");
        smtp.command("EHLO remote.example");
        assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).startsWith("250 ");
        String refused = smtp.command("RCPT TO:<bob@elsewhere.example>");
        assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
        smtp.command("QUIT");
        return refused;
    }

    @Test
    void aMilterThatAsksSeesRecipientsTheRestrictionsRefusedWithTheErrorMailerMacros() throws Exception {
        system("{\"rcpt_rej\": true}").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            assertThat(relayRefusedThenLocal(smtp)).startsWith("554 5.7.1 <bob@elsewhere.example>: Relay access denied");
        }
        milter.awaitStage("close");
        List<String> rcpts = milter.events().stream().filter(e -> e.contains("\"stage\": \"envrcpt\"")).toList();
        assertThat(rcpts).hasSize(2);
        assertThat(rcpts.get(0)).contains("<bob@elsewhere.example>").contains("\"{rcpt_mailer}\": \"error\"")
                .contains("\"{rcpt_host}\": \"5.7.1\"").contains("\"{rcpt_addr}\": \"Relay access denied\"");
        assertThat(rcpts.get(1)).contains("<alice@example.test>").doesNotContain("\"error\"");
    }

    @Test
    void aMilterThatDoesNotAskSeesOnlyTheAcceptedRecipients() throws Exception {
        system("{}").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            relayRefusedThenLocal(smtp);
        }
        milter.awaitStage("close");
        List<String> rcpts = milter.events().stream().filter(e -> e.contains("\"stage\": \"envrcpt\"")).toList();
        assertThat(rcpts).singleElement().asString().contains("<alice@example.test>");
    }
}
