package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A line Bulwark does not implement and that would change what mail is accepted, filtered or
 * where it goes stops the start and the reload, with file:line; it is never skipped at run time.
 */
class FailClosedTest {

    @TempDir
    Path root;

    @Test
    void aRestrictionBulwarkDoesNotHaveStopsTheStartInsteadOfBeingSkippedAtRcpt() throws Exception {
        try (MailSystemFixture system = new MailSystemFixture(root)
                .set("smtpd_recipient_restrictions", "reject_unauth_destination, reject_unknown_address")) {
            assertThatThrownBy(system::start).isInstanceOf(ConfigException.class)
                    .hasMessageMatching(".*main\\.cf, line \\d+: restriction reject_unknown_address in"
                            + " smtpd_recipient_restrictions is not implemented by Bulwark: .*");
        }
    }

    @Test
    void aRefusedParameterOrAPostscreenListenerAddedBeforeAReloadIsRefusedAndTheRunningSystemKeepsAccepting()
            throws Exception {
        try (MailSystemFixture system = new MailSystemFixture(root)) {
            system.start();
            Path mainCf = system.conf.resolve("main.cf");
            String running = Files.readString(mainCf);
            Files.writeString(mainCf, running + "smtpd_dns_reply_filter = pcre:/etc/postfix/smtpd_dns_reply_filter\n");

            assertThat(system.master().reload()).singleElement().asString()
                    .contains("main.cf, line ").contains("smtpd_dns_reply_filter is not implemented by Bulwark");

            Files.writeString(mainCf, running);
            system.writeServices("127.0.0.1:" + (system.port() + 1) + " inet n - n - - qmqpd\n");
            assertThat(system.master().reload()).singleElement().asString()
                    .contains("master.cf, line ").contains("runs qmqpd, which is not implemented by Bulwark");
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
