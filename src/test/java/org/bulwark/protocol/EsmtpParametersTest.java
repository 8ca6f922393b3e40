package org.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EsmtpParametersTest {

    private static String mailReply(String... parameters) {
        try {
            MailParameters.parse(List.of(parameters), true, true);
            return "accepted";
        } catch (ProtocolException e) {
            return e.reply().toString();
        }
    }

    private static String rcptReply(String... parameters) {
        try {
            RcptParameters.parse(List.of(parameters), true);
            return "accepted";
        } catch (ProtocolException e) {
            return e.reply().toString();
        }
    }

    @Test
    void readsMailParameters() throws ProtocolException {
        MailParameters p = MailParameters.parse(
                List.of("SIZE=1234", "body=8bitmime", "RET=hdrs", "ENVID=abc+2Bdef", "SMTPUTF8", "AUTH=<>"), true, true);
        assertThat(p).isEqualTo(new MailParameters(1234, "8BITMIME", "HDRS", "abc+def", true));
    }

    @Test
    void refusesBinaryMimeAndUnknownParameters() {
        assertThat(mailReply("BODY=BINARYMIME")).isEqualTo("555 5.5.4 Unsupported option: BODY=BINARYMIME");
        assertThat(mailReply("XYZ=1")).isEqualTo("555 5.5.4 Unsupported option: XYZ=1");
        assertThat(rcptReply("SIZE=1")).isEqualTo("555 5.5.4 Unsupported option: SIZE=1");
    }

    @Test
    void refusesBadSizes() {
        assertThat(mailReply("SIZE=12a")).isEqualTo("501 5.5.4 Bad message size syntax");
        assertThat(mailReply("SIZE=99999999999999999999999")).isEqualTo("552 5.3.4 Message size exceeds file system imposed limit");
    }

    @Test
    void refusesBadDsnParameters() {
        assertThat(mailReply("RET=ALL")).isEqualTo("501 5.5.4 Bad RET parameter syntax");
        assertThat(mailReply("RET=FULL", "RET=HDRS")).isEqualTo("501 5.5.4 Bad RET parameter syntax");
        assertThat(mailReply("ENVID=a+zz")).isEqualTo("501 5.5.4 Bad ENVID parameter syntax");
        assertThat(rcptReply("NOTIFY=NEVER,SUCCESS")).isEqualTo("501 5.5.4 Error: Bad NOTIFY parameter syntax");
        assertThat(rcptReply("ORCPT=no-semicolon")).isEqualTo("501 5.5.4 Error: Bad ORCPT parameter syntax");
    }

    @Test
    void refusesSmtputf8WhenDisabled() throws ProtocolException {
        try {
            MailParameters.parse(List.of("SMTPUTF8"), true, false);
        } catch (ProtocolException e) {
            assertThat(e.reply().toString()).isEqualTo("555 5.5.4 Unsupported option: SMTPUTF8");
            return;
        }
        throw new AssertionError("SMTPUTF8 accepted while disabled");
    }

    @Test
    void refusesDsnWhenDiscarded() {
        try {
            RcptParameters.parse(List.of("NOTIFY=NEVER"), false);
            throw new AssertionError("NOTIFY accepted without DSN");
        } catch (ProtocolException e) {
            assertThat(e.reply().toString()).isEqualTo("501 5.7.1 DSN support is disabled");
        }
    }

    @Test
    void readsRecipientParameters() throws ProtocolException {
        RcptParameters p = RcptParameters.parse(List.of("NOTIFY=success,delay", "ORCPT=rfc822;a+2Bb@example.com"), true);
        assertThat(p).isEqualTo(new RcptParameters("SUCCESS,DELAY", "rfc822", "a+b@example.com"));
    }

    @Test
    void xtextRoundTrips() {
        assertThat(Xtext.decode(Xtext.encode("a+b=c d"))).isEqualTo("a+b=c d");
    }

    @Test
    void parsesBdatArguments() throws ProtocolException {
        assertThat(BdatArguments.parse("100 LAST")).isEqualTo(new BdatArguments(100, true));
        assertThat(BdatArguments.parse("0")).isEqualTo(new BdatArguments(0, false));
        for (String bad : new String[] {"", "x", "10 FIRST", "1 LAST more", "-1"}) {
            try {
                BdatArguments.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (ProtocolException e) {
                assertThat(e.reply().toString()).isEqualTo("501 5.5.4 Syntax: BDAT count [LAST]");
            }
        }
    }

    @Test
    void splitsCommandVerbAndArgument() {
        assertThat(Command.parse("mail  FROM:<a@b>  ")).isEqualTo(new Command("MAIL", "FROM:<a@b>"));
        assertThat(Command.parse("   ").verb()).isEmpty();
    }
}
