package org.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bulwark.mail.MailAddress;
import org.junit.jupiter.api.Test;

class PathArgumentTest {

    private static MailAddress mail(String argument) throws ProtocolException {
        return PathArgument.parseMail(argument, false).address();
    }

    private static MailAddress rcpt(String argument) throws ProtocolException {
        return PathArgument.parseRcpt(argument, false).address();
    }

    private static String replyTo(ThrowingCall call) {
        try {
            call.run();
            return "accepted";
        } catch (ProtocolException e) {
            return e.reply().toString();
        }
    }

    interface ThrowingCall {
        void run() throws ProtocolException;
    }

    @Test
    void parsesAPlainPath() throws ProtocolException {
        assertThat(mail("FROM:<a@example.com>")).isEqualTo(new MailAddress("a", "example.com"));
    }

    @Test
    void keywordIsCaseInsensitive() throws ProtocolException {
        assertThat(rcpt("to:<b@example.com>")).isEqualTo(new MailAddress("b", "example.com"));
    }

    @Test
    void acceptsSpaceAfterColonAndMissingBrackets() throws ProtocolException {
        assertThat(mail("FROM: <a@example.com>").internal()).isEqualTo("a@example.com");
        assertThat(mail("FROM:a@example.com").internal()).isEqualTo("a@example.com");
        assertThat(rcpt("TO: b@example.com").internal()).isEqualTo("b@example.com");
    }

    @Test
    void strictEnvelopesRequireAngleBrackets() {
        assertThat(replyTo(() -> PathArgument.parseMail("FROM:a@example.com", true)))
                .isEqualTo("501 5.1.7 Bad sender address syntax");
    }

    @Test
    void unquotesQuotedLocalParts() throws ProtocolException {
        assertThat(rcpt("TO:<\"a b\"@x.example>")).isEqualTo(new MailAddress("a b", "x.example"));
        assertThat(rcpt("TO:<\"user@other\"@ourdomain.example>"))
                .isEqualTo(new MailAddress("user@other", "ourdomain.example"));
        assertThat(rcpt("TO:<\"a\\\"b\"@x.example>").localPart()).isEqualTo("a\"b");
    }

    @Test
    void acceptsTheNullSenderOnlyInMail() {
        assertThat(replyTo(() -> assertThat(mail("FROM:<>")).isEqualTo(MailAddress.NULL_SENDER))).isEqualTo("accepted");
        assertThat(replyTo(() -> rcpt("TO:<>"))).isEqualTo("501 5.1.3 Bad recipient address syntax");
    }

    @Test
    void stripsSourceRoutes() throws ProtocolException {
        assertThat(rcpt("TO:<@a.example,@b.example:user@d.example>").internal()).isEqualTo("user@d.example");
    }

    @Test
    void acceptsPostmasterWithoutDomain() throws ProtocolException {
        assertThat(rcpt("TO:<postmaster>")).isEqualTo(new MailAddress("postmaster", null));
    }

    @Test
    void keepsParametersAfterThePath() throws ProtocolException {
        PathArgument path = PathArgument.parseMail("FROM:<a@example.com> SIZE=100  BODY=8BITMIME", false);
        assertThat(path.parameters()).containsExactly("SIZE=100", "BODY=8BITMIME");
    }

    @Test
    void reportsMissingKeywordAsSyntaxError() {
        assertThat(replyTo(() -> PathArgument.parseMail("<a@example.com>", false)))
                .isEqualTo("501 5.5.4 Syntax: MAIL FROM:<address>");
        assertThat(replyTo(() -> PathArgument.parseMail("FROM:", false)))
                .isEqualTo("501 5.5.4 Syntax: MAIL FROM:<address>");
        assertThat(replyTo(() -> PathArgument.parseRcpt("FOR:<a@example.com>", false)))
                .isEqualTo("501 5.5.4 Syntax: RCPT TO:<address>");
    }

    @Test
    void rejectsMalformedAddresses() {
        assertThat(replyTo(() -> mail("FROM:<a b@example.com>"))).isEqualTo("501 5.1.7 Bad sender address syntax");
        assertThat(replyTo(() -> mail("FROM:<a@example.com"))).isEqualTo("501 5.1.7 Bad sender address syntax");
        assertThat(replyTo(() -> rcpt("TO:<a@>"))).isEqualTo("501 5.1.3 Bad recipient address syntax");
        assertThat(replyTo(() -> rcpt("TO:<a@b..c>"))).isEqualTo("501 5.1.3 Bad recipient address syntax");
        assertThat(replyTo(() -> rcpt("TO:<a@x.example>junk"))).isEqualTo("501 5.1.3 Bad recipient address syntax");
    }

    @Test
    void flagsUtf8Paths() throws ProtocolException {
        assertThat(PathArgument.parseRcpt("TO:<jösé@example.com>", false).nonAscii()).isTrue();
        assertThat(PathArgument.parseRcpt("TO:<jose@example.com>", false).nonAscii()).isFalse();
    }

    @Test
    void acceptsAddressLiterals() throws ProtocolException {
        assertThat(rcpt("TO:<a@[192.0.2.1]>").domain()).isEqualTo("[192.0.2.1]");
    }
}
