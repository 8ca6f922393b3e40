package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark reload} re-reads main.cf, master.cf and the tables: new connections get the new
 * restrictions on the same port, a session under way keeps the old ones, and a broken
 * configuration leaves the running one in place with the reason and where it is.
 */
class ConfigReloadTest {

    @TempDir
    Path root;

    @Test
    void aGoodReloadChangesTheRestrictionsForNewConnectionsOnly() throws Exception {
        try (MailSystemFixture system = new MailSystemFixture(root)) {
            Files.writeString(system.conf.resolve("senders"), "# nobody yet\n");
            system.set("smtpd_sender_restrictions", "check_sender_access texthash:" + system.conf.resolve("senders"));
            system.start();
            int port = system.port();
            try (SmtpDialogue before = new SmtpDialogue(port, "127.0.0.1")) {
                before.reply();
                before.command("EHLO client.example.net");
                assertThat(before.command("MAIL FROM:<spammer@bad.example>")).startsWith("250");
                assertThat(before.command("RCPT TO:<alice@example.test>")).startsWith("250");
                before.command("RSET");

                Files.writeString(system.conf.resolve("senders"), "bad.example   REJECT go away\n");
                assertThat(system.master().reload()).isEmpty();
                assertThat(system.maillog()).contains("reload -- version");

                try (SmtpDialogue after = new SmtpDialogue(port, "127.0.0.1")) {
                    assertThat(after.reply()).startsWith("220 ");
                    after.command("EHLO client.example.net");
                    // smtpd_delay_reject: the sender is judged at RCPT TO.
                    after.command("MAIL FROM:<spammer@bad.example>");
                    assertThat(after.command("RCPT TO:<alice@example.test>")).startsWith("554 5.7.1")
                            .contains("go away");
                }
                // The session opened before the reload finishes on the table it started with.
                before.command("MAIL FROM:<spammer@bad.example>");
                assertThat(before.command("RCPT TO:<alice@example.test>")).startsWith("250");
            }
            assertThat(system.master().smtpPorts()).containsExactly(port);
        }
    }

    @Test
    void aBadReloadKeepsTheRunningConfigurationAndSaysWhere() throws Exception {
        try (MailSystemFixture system = new MailSystemFixture(root)) {
            system.start();
            Path mainCf = system.conf.resolve("main.cf");
            Files.writeString(mainCf, Files.readString(mainCf)
                    + "smtpd_sender_restrictions = reject_sender_login_mismatch\n"
                    + "smtpd_recipient_limit = lots\n");
            var problems = system.master().reload();
            assertThat(problems).hasSize(1);
            assertThat(problems.getFirst()).contains("main.cf").contains("smtpd_recipient_limit").contains("lots");
            assertThat(system.maillog()).contains("reload: configuration not loaded, keeping the running one")
                    .doesNotContain("reload -- version");
            try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
                assertThat(smtp.reply()).startsWith("220 ");
                smtp.command("EHLO client.example.net");
                assertThat(smtp.command("MAIL FROM:<someone@elsewhere.example>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250");
            }
        }
    }
}
