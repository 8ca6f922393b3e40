package org.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.bulwark.mail.MailAddress;

/**
 * Fuzzes what a client controls: the command line, the MAIL/RCPT path and its ESMTP parameters,
 * and the mailbox parser. Any input must give a result or a {@link ProtocolException} (which
 * smtpd turns into a reply); any other exception would end the SMTP session with no reply.
 * In the normal build this replays the inputs under SmtpParserFuzzTestInputs/; with
 * JAZZER_FUZZ=1 it searches for new ones.
 */
class SmtpParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void commandAndPath(FuzzedDataProvider data) {
        boolean strict = data.consumeBoolean();
        boolean dsn = data.consumeBoolean();
        boolean utf8 = data.consumeBoolean();
        String line = data.consumeRemainingAsString();
        Command command = Command.parse(line);
        assertThat(command.verb()).doesNotContain(" ", "\t");
        assertThat(command.words()).isNotNull();
        try {
            PathArgument mail = PathArgument.parseMail(command.argument(), strict);
            assertThat(mail.address()).isNotNull();
            MailParameters.parse(mail.parameters(), dsn, utf8);
        } catch (ProtocolException e) {
            assertThat(e.reply()).isNotNull();
        }
        try {
            PathArgument rcpt = PathArgument.parseRcpt(command.argument(), strict);
            assertThat(rcpt.address()).isNotNull();
            RcptParameters.parse(rcpt.parameters(), dsn);
        } catch (ProtocolException e) {
            assertThat(e.reply()).isNotNull();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void mailbox(FuzzedDataProvider data) {
        boolean allowEmpty = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        MailAddress address = PathArgument.parseMailbox(text, allowEmpty);
        if (address != null && (address.isQualified() || !address.localPart().contains("@"))) {
            // Whatever was accepted must survive the internal form used in queue files. Not so
            // an unqualified quoted local part with an @ in it ("a@b", found by this test): its
            // internal form reads back as a@b; smtpd qualifies it first (append_at_myorigin).
            assertThat(MailAddress.of(address.internal())).isEqualTo(address);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void esmtpParameters(FuzzedDataProvider data) {
        List<String> parameters = List.of(data.consumeRemainingAsString().split(" ", -1));
        try {
            MailParameters.parse(parameters, true, true);
        } catch (ProtocolException e) {
            assertThat(e.reply()).isNotNull();
        }
        try {
            RcptParameters.parse(parameters, true);
        } catch (ProtocolException e) {
            assertThat(e.reply()).isNotNull();
        }
    }
}
