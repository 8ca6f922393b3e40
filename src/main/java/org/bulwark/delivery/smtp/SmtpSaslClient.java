package org.bulwark.delivery.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.bulwark.mail.SmtpReply;
import org.bulwark.sasl.ScramClient;

/**
 * AUTH in the SMTP client (RFC 4954), after EHLO and STARTTLS, as Postfix's smtp_sasl_proto.c and
 * smtp_sasl_glue.c do it: only when the server offers AUTH and a password is found for it; the
 * mechanism from {@link SaslMechanisms}; a failure ends the session with Postfix's words and moves
 * on to the next server. A 5xx to AUTH defers the mail while {@code smtp_sasl_auth_soft_bounce =
 * yes} (the default), since a wrong password is the sender's configuration, not the message's.
 * With {@code smtp_sasl_auth_cache_name}, a 535 is remembered per server and login, and while it
 * is remembered the login is not tried again: the session fails with the remembered reply.
 */
final class SmtpSaslClient {

    /** Postfix gives up on a server that keeps challenging after this many rounds. */
    private static final int MAX_STEPS = 100;
    /** RFC 4954 §4: the initial response goes on the AUTH line only if the line stays within 512 octets. */
    private static final int LINE_LIMIT = 512;

    private final SaslMechanisms mechanisms;
    private final boolean softBounce;
    private final Duration timeout;
    private final SaslAuthCache failures;

    /** @param failures the cache of refused logins, or null for none */
    SmtpSaslClient(SaslMechanisms mechanisms, boolean softBounce, Duration timeout, SaslAuthCache failures) {
        this.mechanisms = mechanisms;
        this.softBounce = softBounce;
        this.timeout = timeout;
        this.failures = failures;
    }

    /**
     * Authenticates with these credentials, or throws why not.
     *
     * @param warn where a server's useless AUTH list is reported, as Postfix warns
     */
    void authenticate(SmtpConnection connection, SaslPasswords.Credentials login, Consumer<String> warn)
            throws SessionFailure {
        List<String> offered = SaslMechanisms.words(connection.authMechanisms());
        if (mechanisms.filtered(offered).isEmpty()) {
            warn.accept(offered.isEmpty() ? SmtpTexts.nullAuthList(connection.relay())
                    : SmtpTexts.noSupportedAuth(connection.relay(), String.join(" ", offered)));
        }
        SaslMechanisms.Mechanism mechanism = switch (mechanisms.choose(offered, connection.encrypted(),
                connection.tlsVerified())) {
            case SaslMechanisms.Choice.Use use -> use.mechanism();
            case SaslMechanisms.Choice.NoneCompatible none ->
                    throw new SessionFailure(true, "4.7.0", SmtpTexts.saslNoCompatibleMechanism(connection.peer()), true);
            case SaslMechanisms.Choice.NoneAvailable none -> {
                // Cyrus SASL's own warning, which SASL_README tells administrators to look for.
                warn.accept(SmtpTexts.SASL_NO_WORTHY_MECHS);
                throw new SessionFailure(true, "4.7.0",
                        SmtpTexts.saslCannotAuthenticate(connection.peer(), SmtpTexts.SASL_NO_MECHANISM), true);
            }
        };
        if (failures != null) {
            // smtp_sasl_glue.c: avoid repeated login failures after a recent 535.
            Optional<SaslAuthCache.Refusal> refused = failures.find(connection.host(), login.username(), login.password());
            if (refused.isPresent()) {
                String dsn = softened(refused.get().dsn());
                throw new SessionFailure(dsn.startsWith("4"), dsn,
                        SmtpTexts.saslCachedFailure(connection.host(), refused.get().reply()), true);
            }
        }
        Exchange exchange = switch (mechanism) {
            case PLAIN -> new Plain(login);
            case LOGIN -> new Login(login);
            case SCRAM_SHA_256 -> new Scram(new ScramClient(login.username(), login.password()));
        };
        SmtpReply refusal = run(connection, mechanism, exchange);
        if (refusal != null) {
            if (failures != null && refusal.code() == 535) {
                failures.remember(connection.host(), login.username(), login.password(), refusal);
            }
            String dsn = softened(SmtpConnection.dsn(refusal));
            throw new SessionFailure(dsn.startsWith("4"), dsn, SmtpTexts.saslFailed(connection.peer(), refusal.toString()),
                    true);
        }
    }

    /** A 5xx becomes 4xx while smtp_sasl_auth_soft_bounce = yes. */
    private String softened(String dsn) {
        return softBounce && dsn.startsWith("5") ? "4" + dsn.substring(1) : dsn;
    }

    /** The exchange; the server's final refusal, or null when it accepted the login. */
    private SmtpReply run(SmtpConnection connection, SaslMechanisms.Mechanism mechanism, Exchange exchange)
            throws SessionFailure {
        String initial = exchange.initial();
        SmtpReply reply;
        if (initial != null && mechanism.word.length() + initial.length() + 8 <= LINE_LIMIT) {
            reply = connection.command("AUTH " + mechanism.word + " " + initial, timeout, SmtpTexts.STAGE_EHLO);
            initial = null;
        } else {
            reply = connection.command("AUTH " + mechanism.word, timeout, SmtpTexts.STAGE_EHLO);
        }
        int steps = 0;
        while (reply.code() / 100 == 3) {
            if (++steps > MAX_STEPS) {
                throw new SessionFailure(true, "4.3.0", SmtpTexts.saslLoop(connection.peer()), true);
            }
            String challenge = reply.lines().get(0).trim();
            String response;
            if (initial != null) {
                // A deferred initial response: the server's first challenge must be empty.
                if (!challenge.isEmpty()) {
                    cancel(connection);
                    throw new SessionFailure(true, "4.7.0",
                            SmtpTexts.saslNonEmptyInitialChallenge(mechanism.word, connection.peer(), challenge), true);
                }
                response = initial;
                initial = null;
            } else {
                try {
                    response = exchange.next(decode(challenge));
                } catch (IllegalArgumentException e) {
                    cancel(connection);
                    throw new SessionFailure(true, "4.7.0",
                            SmtpTexts.saslCannotAuthenticate(connection.peer(), e.getMessage()), true);
                }
            }
            reply = connection.command(response, timeout, SmtpTexts.STAGE_EHLO);
        }
        return reply.code() / 100 != 2 ? reply : null;
    }

    /** RFC 4954 §4: "*" cancels the exchange; the server answers 501. */
    private void cancel(SmtpConnection connection) {
        try {
            connection.command("*", timeout, SmtpTexts.STAGE_EHLO);
        } catch (SessionFailure e) {
            // The session ends anyway.
        }
    }

    private static String decode(String challenge) {
        try {
            return new String(Base64.getDecoder().decode(challenge), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SmtpTexts.SASL_BAD_CHALLENGE);
        }
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One mechanism's side of the exchange: the initial response, then an answer per challenge. */
    private interface Exchange {
        /** The initial response (base64), or null for none. */
        String initial();

        /** The answer (base64) to a decoded challenge; IllegalArgumentException with the reason if it is wrong. */
        String next(String challenge);
    }

    /** RFC 4616: authzid (empty), authcid and password, NUL-separated, in one initial response. */
    private record Plain(SaslPasswords.Credentials login) implements Exchange {
        @Override
        public String initial() {
            return encode("\0" + login.username() + "\0" + login.password());
        }

        @Override
        public String next(String challenge) {
            throw new IllegalArgumentException(SmtpTexts.SASL_UNEXPECTED_CHALLENGE);
        }
    }

    /** The LOGIN mechanism (draft-murchison-sasl-login): the username, then the password, each when asked. */
    private static final class Login implements Exchange {
        private final SaslPasswords.Credentials login;
        private int step;

        Login(SaslPasswords.Credentials login) {
            this.login = login;
        }

        @Override
        public String initial() {
            return null;
        }

        @Override
        public String next(String challenge) {
            return switch (step++) {
                case 0 -> encode(login.username());
                case 1 -> encode(login.password());
                default -> throw new IllegalArgumentException(SmtpTexts.SASL_UNEXPECTED_CHALLENGE);
            };
        }
    }

    /** SCRAM-SHA-256: client-first, client-final with the proof, then the server's signature checked. */
    private static final class Scram implements Exchange {
        private final ScramClient client;
        private int step;

        Scram(ScramClient client) {
            this.client = client;
        }

        @Override
        public String initial() {
            return encode(client.clientFirst());
        }

        @Override
        public String next(String challenge) {
            return switch (step++) {
                case 0 -> encode(client.clientFinal(challenge));
                case 1 -> {
                    if (!client.serverFinalValid(challenge)) {
                        throw new IllegalArgumentException(SmtpTexts.SASL_SERVER_SIGNATURE);
                    }
                    yield "";
                }
                default -> throw new IllegalArgumentException(SmtpTexts.SASL_UNEXPECTED_CHALLENGE);
            };
        }
    }
}
