package org.bulwark.restrict;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** access(5) actions travel in the stage's decision, for the SMTP server to apply. */
class MessageActionTest {

    @TempDir
    Path directory;

    private SmtpdRestrictions restrictions(String recipientRestrictions) throws Exception {
        Files.writeString(directory.resolve("clients"), "192.0.2.66 HOLD\n");
        Files.writeString(directory.resolve("senders"), "a@remote.example PREPEND X-Checked: yes\n");
        Files.writeString(directory.resolve("recipients"), "bob@example.com REJECT Not today\n"
                + "carol@example.com BCC archive@example.com\n");
        Map<String, String> values = new HashMap<>();
        values.put("mydestination", "example.com");
        values.put("mynetworks", "127.0.0.0/8");
        values.put("local_recipient_maps", "");
        values.put("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination");
        values.put("smtpd_recipient_restrictions", recipientRestrictions);
        Config config = Config.of(values);
        return new SmtpdRestrictions(config, TestEnvironment.of(config, directory), null);
    }

    private static SmtpdContext rcpt(String recipient) throws Exception {
        return new SmtpdContext(InetAddress.getByName("192.0.2.66"), "unknown", "unknown", null,
                MailAddress.of("a@remote.example"), MailAddress.of(recipient), null, "ESMTP", 0, 0, false);
    }

    @Test
    void aRefusalCarriesTheActionsThatFiredBeforeItInOrder() throws Exception {
        SmtpdRestrictions restrictions = restrictions("check_client_access texthash:clients,"
                + " check_sender_access texthash:senders, check_recipient_access texthash:recipients");

        Decision decision = restrictions.check(Stage.RCPT, rcpt("bob@example.com"));

        assertThat(decision).isEqualTo(new Decision.Refuse(
                SmtpReply.of(554, "5.7.1", "<bob@example.com>: Recipient address rejected: Not today"),
                java.util.List.of(new MessageAction.Hold(""), new MessageAction.Prepend("X-Checked: yes"))));
    }

    @Test
    void anAcceptanceCarriesItsActions() throws Exception {
        SmtpdRestrictions restrictions = restrictions("check_recipient_access texthash:recipients");

        Decision decision = restrictions.check(Stage.RCPT, rcpt("carol@example.com"));

        assertThat(decision.accepted()).isTrue();
        assertThat(decision.actions()).containsExactly(new MessageAction.Bcc(MailAddress.of("archive@example.com")));
    }

    @Test
    void warnIfRejectKeepsItsRestrictionFromChangingTheMessage() throws Exception {
        SmtpdRestrictions restrictions = restrictions("warn_if_reject check_client_access texthash:clients,"
                + " check_sender_access texthash:senders");

        Decision decision = restrictions.check(Stage.RCPT, rcpt("carol@example.com"));

        assertThat(decision.actions()).containsExactly(new MessageAction.Prepend("X-Checked: yes"));
    }
}
