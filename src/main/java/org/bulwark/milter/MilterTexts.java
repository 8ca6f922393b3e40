package org.bulwark.milter;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * Every message of the milter package, worded once: Postfix's SMTP replies for milter decisions and
 * failures, Postfix's warning lines for a milter that misbehaves, and configuration errors.
 */
final class MilterTexts {

    // Postfix's replies (milter8.c).
    static final String REJECT = "550 5.7.1 Command rejected";
    static final String TEMPFAIL = "451 4.7.1 Service unavailable - try again later";
    static final String DEFAULT_REJECT = "550 5.5.0 Service unavailable";
    static final String DEFAULT_TEMPFAIL = "451 4.7.1 Service unavailable - try again later";
    static final String DEFAULT_SHUTDOWN = "421 4.7.1 Service unavailable - try again later";
    static final String CONF_TEMPFAIL = "451 4.3.5 Server configuration problem - try again later";
    static final String CONF_SHUTDOWN = "421 4.3.5 Server configuration problem - try again later";
    static final String SHUTDOWN = "421 4.7.0 Service unavailable - closing connection";
    /** The quarantine reason when default_action=quarantine stands in for a failed milter. */
    static final String DEFAULT_QUARANTINE = "default_action";

    private MilterTexts() {
    }

    /** Every warning names the milter first, as Postfix's {@code milter %s: ...}. */
    static String warning(String milter, String reason) {
        return "milter " + milter + ": " + reason;
    }

    static String connectFailed(String milter, String why) {
        return "connect to Milter service " + milter + ": " + why;
    }

    static String cantReadHeader(byte event, String why) {
        return "can't read " + MilterProtocol.commandName(event) + " reply packet header: " + why;
    }

    static String badLength(long n) {
        return "bad packet length: " + n;
    }

    static String unreasonableLength(long n) {
        return "unreasonable packet length: " + n + " > " + MilterProtocol.MAX_FRAME;
    }

    static String eofInData() {
        return "EOF while reading data: end of file";
    }

    static String tooShortForLong() {
        return "input packet too short for network long";
    }

    static String missingNul() {
        return "missing string null terminator";
    }

    static String writeError(String why) {
        return "error writing command: " + why;
    }

    static String unexpectedHandshakeReply(byte reply) {
        return "unexpected reply \"" + (char) (reply & 0xff) + "\" in initial handshake";
    }

    static String versionConflict(int theirs, int mine) {
        return "protocol version " + theirs + " conflict with MTA protocol version " + mine;
    }

    static String requestMaskConflict(int theirs, int mine) {
        return "request mask 0x" + Integer.toHexString(theirs) + " conflict with MTA request mask 0x"
                + Integer.toHexString(mine);
    }

    static String unexpectedResponse(byte reply, byte event) {
        return "unexpected filter response " + MilterProtocol.replyName(reply) + " after event "
                + MilterProtocol.commandName(event);
    }

    static String trailingData(byte reply, int n) {
        return "reply " + MilterProtocol.replyName(reply) + " was followed by " + n + " data bytes";
    }

    static String malformedReply(String reply) {
        return "malformed reply: " + reply;
    }

    static String discardNotAllowed() {
        return "DISCARD action is not allowed for connect or helo";
    }

    static String badChangeIndex(long index) {
        return "bad change header index: " + index;
    }

    static String nullChangeName() {
        return "null change header name";
    }

    static String badInsertIndex(long index) {
        return "bad insert header index: " + index;
    }

    static String bodyMixed() {
        return "body replacement requests can't currently be mixed with other requests";
    }

    static String bodyWriteFailed(String why) {
        return "cannot store the replacement body: " + why;
    }

    static String bodyReadFailed(String why) {
        return "cannot read the message body to send it: " + why;
    }

    static String unknownMacroType(int type) {
        return "ignoring unknown macro type " + type;
    }

    static String tooManyReplies(byte event) {
        return "too many replies after event " + MilterProtocol.commandName(event);
    }

    /** Why an I/O operation failed, in the words of strerror where there is one. */
    static String why(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "Connection timed out";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    // Configuration errors.
    static String badEndpoint(String spec) {
        return "bad milter \"" + spec + "\": expected inet:host:port or unix:pathname";
    }

    static String badMacroDefault(String problem, String value) {
        return "malformed default macro entry: " + problem + " in \"" + value + "\"";
    }

    static String unbalancedBraces(String spec) {
        return "missing \"}\" in milter \"" + spec + "\"";
    }

    static String unknownOption(String spec, String name) {
        return "unknown option \"" + name + "\" in milter \"" + spec + "\": expected connect_timeout, "
                + "command_timeout, content_timeout, default_action or protocol";
    }

    static String badOptionValue(String spec, String name, String value) {
        return "bad value \"" + value + "\" for " + name + " in milter \"" + spec + "\"";
    }

    static String badDefaultAction(String value) {
        return "bad milter default_action \"" + value + "\": expected accept, reject, tempfail, quarantine or shutdown";
    }

    static String badProtocol(String value) {
        return "bad milter protocol \"" + value + "\": expected 2, 3, 4 or 6, optionally with no_header_reply";
    }
}
