package org.bulwark.postscreen;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.bulwark.log.MailLog;

/**
 * postscreen's own small SMTP engine (Postfix's psc_smtpd): it speaks enough SMTP to run the
 * deep protocol tests (pipelining, non-SMTP commands, bare newlines) and to refuse a client that
 * failed with "enforce". It never accepts mail: every recipient hears the enforce reply or, while
 * the tests run, 450 "try again later", and a client that passed connects again and is handed to
 * smtpd. It announces neither PIPELINING nor STARTTLS nor AUTH.
 */
final class Engine {

    private static final Set<String> COMMANDS = Set.of("HELO", "EHLO", "STARTTLS", "XCLIENT", "XFORWARD", "AUTH",
            "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "VRFY", "ETRN", "QUIT");
    /** Commands postscreen knows but does not offer (Postfix's disabled entries). */
    private static final Set<String> DISABLED = Set.of("XCLIENT", "XFORWARD", "AUTH");

    private final Screening screen;
    private final Settings settings;
    private final ClientInput input;
    private final MailLog.Logger log;

    private String helo;
    private String sender;
    private String protocol = "SMTP";
    private String where = "CONNECT";
    private int commands;

    Engine(Screening screen, Settings settings, ClientInput input, MailLog.Logger log) {
        this.screen = screen;
        this.settings = settings;
        this.input = input;
        this.log = log;
    }

    /** Greets (unless the client spoke first: Postfix then gives no banner) and talks until the end. */
    void converse(boolean greet) throws IOException {
        if (greet && !screen.send(PostscreenTexts.greeting(settings.banner()))) {
            screen.hangup();
            return;
        }
        while (true) {
            ClientInput.Line line;
            try {
                screen.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.commandTimeLimit().toMillis()));
                line = input.readLine(settings.lineLengthLimit());
            } catch (SocketTimeoutException e) {
                log.info(PostscreenTexts.commandTimeLimit(screen.name(), where));
                screen.drop(PostscreenTexts.timeout(settings.myhostname()));
                return;
            } catch (IOException e) {
                screen.hangup();
                return;
            }
            if (line == null) {
                screen.hangup();
                return;
            }
            if (!handle(line)) {
                return;
            }
        }
    }

    /** One command; false when the conversation ended with it. */
    private boolean handle(ClientInput.Line line) throws IOException {
        if (line.tooLong()) {
            log.info(PostscreenTexts.commandLengthLimit(screen.name(), where));
            screen.drop(PostscreenTexts.tryAgainLater(settings.myhostname()));
            return false;
        }
        if (line.bareNewline() && screen.due(TestKind.BARE_NEWLINE)) {
            log.info(PostscreenTexts.bareNewline(screen.name(), escape(line.text().getBytes(StandardCharsets.ISO_8859_1), 100)));
            screen.failDeep(TestKind.BARE_NEWLINE);
            if (!act(TestKind.BARE_NEWLINE, PostscreenTexts.PROTOCOL_ERROR_DROP)) {
                return false;
            }
        }
        String text = line.text().stripLeading();
        int space = text.indexOf(' ');
        String command = space < 0 ? text : text.substring(0, space);
        String args = space < 0 ? "" : text.substring(space + 1).strip();
        String verb = command.toUpperCase(Locale.ROOT);
        String before = where;
        boolean known = COMMANDS.contains(verb);
        where = known ? verb : "UNIMPLEMENTED";
        if (!known && screen.due(TestKind.NON_SMTP) && (isHeader(command) || settings.forbidden(command))) {
            log.info(PostscreenTexts.nonSmtpCommand(screen.name(), before, printable(command),
                    escape(text.getBytes(StandardCharsets.ISO_8859_1), 100)));
            screen.failDeep(TestKind.NON_SMTP);
            if (!act(TestKind.NON_SMTP, PostscreenTexts.NON_SMTP_DROP)) {
                return false;
            }
        }
        if (!verb.equals("BDAT") && screen.due(TestKind.PIPELINING) && input.available() > 0) {
            log.info(PostscreenTexts.pipelining(screen.name(), printable(command), escape(input.unread(), 100)));
            screen.failDeep(TestKind.PIPELINING);
            if (!act(TestKind.PIPELINING, PostscreenTexts.PROTOCOL_ERROR_DROP)) {
                return false;
            }
        }
        if (verb.equals("RCPT")) {
            // Reaching RCPT without tripping a deep test passes them.
            for (TestKind t : new TestKind[] {TestKind.BARE_NEWLINE, TestKind.NON_SMTP, TestKind.PIPELINING}) {
                if (screen.due(t)) {
                    screen.pass(t, Screening.epochSeconds() + settings.ttl(t).toSeconds());
                }
            }
        }
        if (++commands > settings.commandCountLimit() && !verb.equals("QUIT")) {
            log.info(PostscreenTexts.commandCountLimit(screen.name(), before));
            screen.drop(PostscreenTexts.tryAgainLater(settings.myhostname()));
            return false;
        }
        if (!known || DISABLED.contains(verb)) {
            return reply(PostscreenTexts.NOT_RECOGNIZED);
        }
        return switch (verb) {
            case "HELO" -> helo(args, false);
            case "EHLO" -> helo(args, true);
            case "STARTTLS" -> reply(PostscreenTexts.NOT_IMPLEMENTED);
            case "MAIL" -> mail(args);
            case "RCPT" -> rcpt(args);
            case "DATA" -> data(args);
            case "BDAT" -> bdat(args);
            case "RSET" -> {
                sender = null;
                yield reply(PostscreenTexts.OK);
            }
            case "NOOP" -> reply(PostscreenTexts.OK);
            case "VRFY" -> reply(args.isEmpty() ? PostscreenTexts.VRFY_SYNTAX
                    : settings.disableVrfy() ? PostscreenTexts.VRFY_DISABLED : screen.rcptReply());
            case "ETRN" -> reply(settings.heloRequired() && helo == null ? PostscreenTexts.SEND_HELO_FIRST
                    : args.isEmpty() ? PostscreenTexts.ETRN_SYNTAX : PostscreenTexts.ETRN_REFUSED);
            case "QUIT" -> {
                screen.drop(PostscreenTexts.BYE);
                yield false;
            }
            default -> reply(PostscreenTexts.NOT_RECOGNIZED);
        };
    }

    /** A failed deep test's action; false when it dropped the client. */
    private boolean act(TestKind test, String dropReply) throws IOException {
        switch (settings.action(test)) {
            case DROP -> {
                screen.drop(dropReply);
                return false;
            }
            case ENFORCE -> screen.enforce(PostscreenTexts.PROTOCOL_ERROR_ENFORCE);
            case IGNORE -> screen.ignoreDeep(test);
        }
        return true;
    }

    private boolean helo(String args, boolean extended) {
        String name = args.isEmpty() ? null : args.split("\\s+")[0];
        if (name == null) {
            return reply(extended ? PostscreenTexts.EHLO_SYNTAX : PostscreenTexts.HELO_SYNTAX);
        }
        helo = name;
        sender = null;
        if (!extended) {
            return reply(PostscreenTexts.helo(settings.myhostname()));
        }
        protocol = "ESMTP";
        return reply(PostscreenTexts.ehlo(settings.myhostname(), settings.messageSizeLimit(), !settings.disableVrfy()));
    }

    private boolean mail(String args) {
        if (settings.heloRequired() && helo == null) {
            return reply(PostscreenTexts.SEND_HELO_FIRST);
        }
        if (sender != null) {
            return reply(PostscreenTexts.NESTED_MAIL);
        }
        int colon = args.indexOf(':');
        if (colon < 0) {
            return reply(PostscreenTexts.MAIL_SYNTAX);
        }
        String address = address(args.substring(colon + 1));
        if (address == null) {
            return reply(PostscreenTexts.BAD_SENDER);
        }
        sender = address;
        return reply(PostscreenTexts.SENDER_OK);
    }

    private boolean rcpt(String args) {
        if (sender == null) {
            return reply(PostscreenTexts.NEED_MAIL);
        }
        int colon = args.indexOf(':');
        if (colon < 0) {
            return reply(PostscreenTexts.RCPT_SYNTAX);
        }
        String recipient = address(args.substring(colon + 1));
        if (recipient == null) {
            return reply(PostscreenTexts.BAD_RECIPIENT);
        }
        String refusal = screen.rcptReply();
        log.info(PostscreenTexts.rcptReject(screen.name(), refusal, sender, recipient, protocol,
                helo == null ? "" : helo));
        return reply(refusal);
    }

    private boolean data(String args) throws IOException {
        log.info(PostscreenTexts.dataWithoutRcpt(screen.name()));
        screen.drop(!args.isEmpty() ? PostscreenTexts.DATA_SYNTAX
                : sender == null ? PostscreenTexts.NEED_RCPT : PostscreenTexts.NO_VALID_RECIPIENTS);
        return false;
    }

    private boolean bdat(String args) throws IOException {
        log.info(PostscreenTexts.bdatWithoutRcpt(screen.name()));
        screen.drop(args.isEmpty() ? PostscreenTexts.BDAT_SYNTAX
                : sender == null ? PostscreenTexts.BDAT_NEED_MAIL : PostscreenTexts.NO_VALID_RECIPIENTS);
        return false;
    }

    /** False when the client is gone. */
    private boolean reply(String reply) {
        return screen.send(reply);
    }

    /** The address inside {@code <...>} (route part dropped), or the first word; null when malformed. */
    private static String address(String text) {
        String t = text.strip();
        if (t.startsWith("<")) {
            int end = t.indexOf('>');
            if (end < 0) {
                return null;
            }
            t = t.substring(1, end);
        } else {
            t = t.split("\\s+", 2)[0];
        }
        if (t.startsWith("@") && t.indexOf(':') > 0) {
            t = t.substring(t.indexOf(':') + 1);
        }
        return t;
    }

    /** A mail header's name followed by a colon: what a proxy-abusing spammer sends instead of SMTP. */
    private static boolean isHeader(String command) {
        if (!command.endsWith(":") || command.length() < 2) {
            return false;
        }
        for (int i = 0; i < command.length() - 1; i++) {
            char c = command.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 32 && c < 127 ? c : '?');
        }
        return out.toString();
    }

    /** Bytes as Postfix's escape() shows them in a log line: C escapes, at most {@code max} characters. */
    static String escape(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> out.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\%03o", c));
            }
            if (out.length() >= max) {
                return out.substring(0, max);
            }
        }
        return out.toString();
    }
}
