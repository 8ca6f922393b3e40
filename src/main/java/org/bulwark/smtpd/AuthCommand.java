package org.bulwark.smtpd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.InputLine;
import org.bulwark.protocol.Replies;
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

    private final SmtpSession session;

    AuthCommand(SmtpSession session) {
        this.session = session;
    }

    boolean execute(Command command) throws IOException {
        SecuritySettings security = session.security;
        if (security.sasl() == null || !session.settings.offers("AUTH")) {
            return session.fail(Replies.AUTH_NOT_ENABLED);
        }
        if (session.helo == null || !session.protocol.equals("ESMTP")) {
            return session.fail(Replies.SEND_HELO_FIRST);
        }
        if (security.tlsAuthOnly() && session.tls == null) {
            return session.fail(Replies.AUTH_NOT_ENABLED);
        }
        if (session.saslUsername != null) {
            return session.fail(Replies.ALREADY_AUTHENTICATED);
        }
        if (session.transaction != null) {
            return session.fail(Replies.AUTH_IN_TRANSACTION);
        }
        String[] words = command.words();
        if (words.length < 1 || words.length > 2) {
            return session.fail(Replies.AUTH_SYNTAX);
        }
        // smtpd_client_auth_rate_limit: counted per attempt, so brute force slows to the limit.
        SmtpReply tooManyAuth = session.anvil.auth(session.clientAddress, session.nameAndAddress());
        if (tooManyAuth != null) {
            return session.fail(tooManyAuth);
        }
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        SaslExchange exchange = security.sasl().start(mechanism, session.tls != null,
                new SaslClient(session.clientIp, session.localIp(), session.tls != null));
        if (exchange == null) {
            return session.fail(Replies.AUTH_UNSUPPORTED);
        }
        try {
            byte[] response = null;
            if (words.length == 2) {
                response = words[1].equals("=") ? new byte[0] : decode(words[1]);
                if (response == null) {
                    return session.fail(Replies.AUTH_CANNOT_DECODE);
                }
            }
            while (true) {
                SaslStep step = exchange.respond(response);
                switch (step) {
                    case SaslStep.Challenge c -> {
                        session.reply(Replies.saslChallenge(Base64.getEncoder().encodeToString(c.data())));
                        InputLine line = session.in.readLine(RESPONSE_LIMIT);
                        if (line == null) {
                            throw new EOFException("connection closed in AUTH");
                        }
                        String text = new String(line.bytes(), StandardCharsets.US_ASCII).strip();
                        if (text.equals("*")) {
                            return session.fail(Replies.AUTH_ABORTED);
                        }
                        response = decode(text);
                        if (response == null) {
                            return session.fail(Replies.AUTH_CANNOT_DECODE);
                        }
                    }
                    case SaslStep.Success s -> {
                        session.saslUsername = s.username();
                        session.saslMethod = mechanism;
                        return session.respond(Replies.AUTH_SUCCESSFUL);
                    }
                    case SaslStep.Failure f -> {
                        session.log.warning(SmtpdTexts.authenticationFailed(session.nameAndAddress(), mechanism,
                                f.reason()));
                        return session.fail(Replies.AUTH_FAILED);
                    }
                    case SaslStep.Unavailable u -> {
                        session.log.warning(SmtpdTexts.authenticationUnavailable(session.nameAndAddress(), mechanism,
                                u.reason()));
                        return session.fail(Replies.AUTH_TEMPORARY_FAILURE);
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
