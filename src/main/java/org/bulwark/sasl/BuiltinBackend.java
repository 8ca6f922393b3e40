package org.bulwark.sasl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.log.MailLog;

/**
 * Bulwark's own backend: PLAIN, LOGIN and SCRAM-SHA-256 against a Dovecot-style passwd-file.
 * SCRAM needs a {@code {SCRAM-SHA-256}} (or {@code {PLAIN}}) entry; crypt hashes cannot answer it.
 */
public final class BuiltinBackend implements SaslBackend {

    private static final List<Mechanism> MECHANISMS = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(new Mechanism("SCRAM-SHA-256", false, false)),
            PasswordCheck.MECHANISMS.stream()).toList();

    /**
     * Password hashes are slow on purpose (ARGON2ID takes 64 MiB and a fifth of a second):
     * verify no more at once than there are processors, so that a crowd of AUTH attempts queues
     * instead of exhausting memory.
     */
    private static final java.util.concurrent.Semaphore HASHING =
            new java.util.concurrent.Semaphore(Runtime.getRuntime().availableProcessors(), true);

    private static final byte[] SALT_KEY = new java.security.SecureRandom().generateSeed(32);

    private final PasswdFile passwords;
    private final String localDomain;
    private final MailLog.Logger log;

    BuiltinBackend(PasswdFile passwords, String localDomain, MailLog.Logger log) {
        this.passwords = passwords;
        this.localDomain = localDomain;
        this.log = log;
    }

    @Override
    public List<Mechanism> mechanisms() {
        return MECHANISMS;
    }

    @Override
    public SaslExchange start(String mechanism, SaslClient client) {
        if (mechanism.equalsIgnoreCase("SCRAM-SHA-256")) {
            return new ScramExchange(this::scram);
        }
        return ((PasswordCheck) this::check).exchange(mechanism);
    }

    /** smtpd_sasl_local_domain qualifies a bare login name, as Cyrus's realm does. */
    private String qualified(String username) {
        return username.indexOf('@') < 0 && !localDomain.isEmpty() ? username + "@" + localDomain : username;
    }

    private SaslStep check(String username, String password) {
        String user = qualified(username);
        try {
            Optional<String> stored = passwords.password(user);
            if (stored.isPresent() && verify(stored.get(), password)) {
                return new SaslStep.Success(user, null);
            }
            return new SaslStep.Failure(SaslTexts.AUTHENTICATION_FAILURE);
        } catch (IOException e) {
            log.warning(SaslTexts.cannotRead(passwords.path().toString(), e.getMessage()));
            return new SaslStep.Unavailable(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SaslStep.Unavailable(e.toString());
        }
    }

    private static boolean verify(String stored, String password) throws InterruptedException {
        HASHING.acquire();
        try {
            return PasswordScheme.verify(stored, password);
        } finally {
            HASHING.release();
        }
    }

    private Optional<ScramCredentials> scram(String username) {
        try {
            Optional<String> stored = passwords.password(qualified(username));
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            String s = stored.get();
            String upper = s.toUpperCase(Locale.ROOT);
            if (upper.startsWith("{SCRAM-SHA-256}")) {
                return Optional.of(ScramCredentials.parse(s.substring("{SCRAM-SHA-256}".length())));
            }
            if (upper.startsWith("{PLAIN}") || upper.startsWith("{CLEAR}")) {
                String password = s.substring(s.indexOf('}') + 1);
                // A salt stable per user for this process, and unrelated to the password.
                byte[] salt = java.util.Arrays.copyOf(ScramCredentials.hmac(SALT_KEY,
                        username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)), 16);
                return Optional.of(ScramCredentials.derive(password, salt, ScramCredentials.DEFAULT_ITERATIONS));
            }
            log.info(SaslTexts.NO_SCRAM_CREDENTIALS + ": " + username);
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            log.warning(SaslTexts.cannotRead(passwords.path().toString(), e.getMessage()));
            return Optional.empty();
        }
    }
}
