package org.bulwark.smtpd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.bulwark.anvil.Anvil;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.InputLine;
import org.bulwark.protocol.ReplyTexts;
import org.bulwark.sasl.SaslClient;
import org.bulwark.sasl.SaslExchange;
import org.bulwark.sasl.SaslStep;

/**
 * AUTH (RFC 4954): the mechanism's challenges as 334 lines, {@code *} cancels, 235 on success and
 * 535 5.7.8 on failure. A failure counts as an error, so the error sleep and limits slow down
 * password guessing.
 */
final class AuthCommand {

    /** RFC 4954 §4: a response line may be long; 12288 octets is what Postfix allows. */
    private static final int RESPONSE_LIMIT = 12288;

    private final SmtpdSettings settings;
    private final SecuritySettings security;
    private final Anvil anvil;
    private final SessionState state;
    private final SessionLog log;
    private final SessionIo io;

    AuthCommand(SmtpdSettings settings, SecuritySettings security, Anvil anvil, SessionState state, SessionLog log,
            SessionIo io) {
        this.settings = settings;
        this.security = security;
        this.anvil = anvil;
        this.state = state;
        this.log = log;
        this.io = io;
    }

    boolean execute(Command command) throws IOException {
        if (security.sasl() == null || !settings.offers("AUTH")) {
            return io.fail(ReplyTexts.AUTH_NOT_ENABLED);
        }
        if (state.helo() == null || !state.extended()) {
            return io.fail(ReplyTexts.SEND_HELO_FIRST);
        }
        if (security.tlsAuthOnly() && !state.encrypted()) {
            return io.fail(ReplyTexts.AUTH_NOT_ENABLED);
        }
        if (state.authenticated()) {
            return io.fail(ReplyTexts.ALREADY_AUTHENTICATED);
        }
        if (state.inTransaction()) {
            return io.fail(ReplyTexts.AUTH_IN_TRANSACTION);
        }
        String[] words = command.words();
        if (words.length < 1 || words.length > 2) {
            return io.fail(ReplyTexts.AUTH_SYNTAX);
        }
        // smtpd_client_auth_rate_limit: counted per attempt, so brute force slows to the limit.
        SmtpReply tooManyAuth = anvil.auth(state.clientAddress(), state.nameAndAddress());
        if (tooManyAuth != null) {
            return io.fail(tooManyAuth);
        }
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        SaslExchange exchange = security.sasl().start(mechanism, state.encrypted(),
                new SaslClient(state.clientIp(), state.localIp(), state.encrypted()));
        if (exchange == null) {
            return io.fail(ReplyTexts.AUTH_UNSUPPORTED);
        }
        try {
            byte[] response = null;
            if (words.length == 2) {
                response = words[1].equals("=") ? new byte[0] : decode(words[1]);
                if (response == null) {
                    return io.fail(ReplyTexts.AUTH_CANNOT_DECODE);
                }
            }
            while (true) {
                SaslStep step = exchange.respond(response);
                switch (step) {
                    case SaslStep.Challenge c -> {
                        io.reply(ReplyTexts.saslChallenge(Base64.getEncoder().encodeToString(c.data())));
                        InputLine line = io.input().readLine(RESPONSE_LIMIT);
                        if (line == null) {
                            throw new EOFException("connection closed in AUTH");
                        }
                        String text = new String(line.bytes(), StandardCharsets.US_ASCII).strip();
                        if (text.equals("*")) {
                            return io.fail(ReplyTexts.AUTH_ABORTED);
                        }
                        response = decode(text);
                        if (response == null) {
                            return io.fail(ReplyTexts.AUTH_CANNOT_DECODE);
                        }
                    }
                    case SaslStep.Success s -> {
                        state.authenticated(s.username(), mechanism);
                        return io.respond(ReplyTexts.AUTH_SUCCESSFUL);
                    }
                    case SaslStep.Failure f -> {
                        log.warning(SmtpdTexts.authenticationFailed(state.nameAndAddress(), mechanism,
                                f.reason()));
                        return io.fail(ReplyTexts.AUTH_FAILED);
                    }
                    case SaslStep.Unavailable u -> {
                        log.warning(SmtpdTexts.authenticationUnavailable(state.nameAndAddress(), mechanism,
                                u.reason()));
                        return io.fail(ReplyTexts.AUTH_TEMPORARY_FAILURE);
                    }
                }
            }
        } finally {
            exchange.close();
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
