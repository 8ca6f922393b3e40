package org.bulwark.restrict;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.bulwark.verify.AddressVerifier;
import org.bulwark.verify.VerifyStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reject_unverified_recipient and reject_unverified_sender: Postfix's codes, texts and defer_if_permit. */
class UnverifiedAddressTest {

    private static final MailAddress UNKNOWN = MailAddress.of("unknown@remote.example");

    @TempDir
    Path directory;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final MailLog.Logger log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8),
            "mail.example.com", "postfix").program("smtpd");
    private AddressVerifier verifier;

    @AfterEach
    void close() {
        if (verifier != null) {
            verifier.close();
        }
    }

    private Map<String, String> base(String recipientRestrictions) {
        Map<String, String> values = new HashMap<>();
        values.put("myhostname", "mail.example.com");
        values.put("mydestination", "example.com");
        values.put("relay_domains", "remote.example");
        values.put("mynetworks", "127.0.0.0/8");
        values.put("local_recipient_maps", "");
        values.put("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination");
        values.put("smtpd_recipient_restrictions", recipientRestrictions);
        values.put("address_verify_map", "");
        values.put("address_verify_poll_count", "1");
        return values;
    }

    private SmtpdRestrictions build(Map<String, String> values, boolean withVerifier) {
        Config config = Config.of(values);
        if (withVerifier) {
            verifier = AddressVerifier.open(config, (sender, to) -> "PROBE", log);
        }
        return new SmtpdRestrictions(config, TestEnvironment.of(config, directory).withVerifier(verifier), log);
    }

    private static SmtpdContext rcpt(String sender, MailAddress recipient) throws Exception {
        return new SmtpdContext(InetAddress.getByName("192.0.2.1"), "unknown", "unknown", "client.example",
                MailAddress.of(sender), recipient, null, "ESMTP", 0, 0, false);
    }

    @Test
    void anAddressBeingProbedIsDeferredAsInProgress() throws Exception {
        SmtpdRestrictions r = build(base("reject_unverified_recipient"), true);

        assertThat(r.check(Stage.RCPT, rcpt("a@client.example", UNKNOWN))).isEqualTo(new Decision.Refuse(
                SmtpReply.of(450, "4.1.1", "<unknown@remote.example>: Recipient address rejected: unverified address:"
                        + " Address verification in progress")));
    }

    @Test
    void aBouncedAddressGetsTheProbesTextWithTheRejectCode() throws Exception {
        Map<String, String> values = base("reject_unverified_recipient");
        values.put("unverified_recipient_reject_code", "550");
        SmtpdRestrictions r = build(values, true);
        verifier.update(UNKNOWN, VerifyStatus.BOUNCE, "host mx[192.0.2.9] said: 550 5.1.1 User unknown"
                + " (in reply to RCPT TO command)");

        assertThat(r.check(Stage.RCPT, rcpt("a@client.example", UNKNOWN))).isEqualTo(new Decision.Refuse(
                SmtpReply.of(550, "5.1.1", "<unknown@remote.example>: Recipient address rejected: undeliverable"
                        + " address: host mx[192.0.2.9] said: 550 5.1.1 User unknown (in reply to RCPT TO command)")));
        verifier.update(MailAddress.of("known@remote.example"), VerifyStatus.OK, "250 2.1.5 Ok");
        assertThat(r.check(Stage.RCPT, rcpt("a@client.example", MailAddress.of("known@remote.example"))).accepted())
                .isTrue();
    }

    @Test
    void theRejectReasonReplacesTheProbesText() throws Exception {
        Map<String, String> values = base("reject_unverified_recipient");
        values.put("unverified_recipient_reject_reason", "Address lookup failed");
        SmtpdRestrictions r = build(values, true);
        verifier.update(UNKNOWN, VerifyStatus.BOUNCE, "host mx said: 550 User unknown");

        assertThat(r.check(Stage.RCPT, rcpt("a@client.example", UNKNOWN))).isEqualTo(new Decision.Refuse(
                SmtpReply.of(450, "4.1.1", "<unknown@remote.example>: Recipient address rejected: unverified address:"
                        + " Address lookup failed")));
    }

    /** defer_if_permit: the 450 waits for the list's end, so a later refusal of its own wins. */
    @Test
    void aLaterRejectWinsOverTheDeferIfPermit() throws Exception {
        SmtpdRestrictions r = build(base("reject_unverified_recipient, reject"), true);

        assertThat(r.check(Stage.RCPT, rcpt("a@client.example", UNKNOWN))).isEqualTo(new Decision.Refuse(
                SmtpReply.of(554, "5.7.1", "<unknown@remote.example>: Recipient address rejected: Access denied")));
    }

    @Test
    void withoutTheVerifyServiceEveryAddressIsAVerificationProblemNeverAPass() throws Exception {
        SmtpdRestrictions r = build(base("reject_unverified_recipient"), false);

        assertThat(r.check(Stage.RCPT, rcpt("a@client.example", UNKNOWN))).isEqualTo(new Decision.Refuse(
                SmtpReply.of(450, "4.1.1", "<unknown@remote.example>: Recipient address rejected:"
                        + " address verification problem")));
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("warning: verify service failure");
    }

    @Test
    void aSenderIsVerifiedWithItsOwnEnhancedCode() throws Exception {
        Map<String, String> values = base("reject_unauth_destination");
        values.put("smtpd_sender_restrictions", "reject_unverified_sender");
        values.put("unverified_sender_tempfail_action", "defer");
        SmtpdRestrictions r = build(values, true);

        assertThat(r.check(Stage.RCPT, rcpt("nobody@remote.example", MailAddress.of("bob@example.com"))))
                .isEqualTo(new Decision.Refuse(SmtpReply.of(450, "4.1.7", "<nobody@remote.example>: Sender address"
                        + " rejected: unverified address: Address verification in progress")));
        // The null sender is never verified.
        assertThat(r.check(Stage.RCPT, rcpt("", MailAddress.of("bob@example.com"))).accepted()).isTrue();
    }
}
