package org.bulwark.sasl;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.bulwark.config.Config;
import org.bulwark.config.SecretFiles;
import org.bulwark.log.MailLog;

/**
 * SMTP AUTH for one smtpd service: the backend smtpd_sasl_type names, and which of its mechanisms
 * smtpd_sasl_security_options (before TLS) or smtpd_sasl_tls_security_options (after) allow.
 */
public final class SaslService {

    private final SaslBackend backend;
    private final Set<String> plainOptions;
    private final Set<String> tlsOptions;

    public SaslService(SaslBackend backend, List<String> securityOptions, List<String> tlsSecurityOptions) {
        this.backend = backend;
        this.plainOptions = lower(securityOptions);
        this.tlsOptions = lower(tlsSecurityOptions);
    }

    /** The service's SASL, or {@code null} when smtpd_sasl_auth_enable is off. */
    public static SaslService forService(Config config, MailLog.Logger log) {
        if (!config.bool("smtpd_sasl_auth_enable")) {
            return null;
        }
        return new SaslService(backend(config, log), config.list("smtpd_sasl_security_options"),
                config.list("smtpd_sasl_tls_security_options"));
    }

    /**
     * builtin: smtpd_sasl_path is the passwd-file (relative to the configuration directory);
     * dovecot: the auth socket (relative to the queue directory, e.g. {@code private/auth}) or
     * {@code inet:host:port}; cyrus: saslauthd's socket, {@code /var/run/saslauthd/mux} when the
     * path is left at Postfix's default {@code smtpd}.
     */
    static SaslBackend backend(Config config, MailLog.Logger log) {
        String type = config.get("smtpd_sasl_type").trim().toLowerCase(Locale.ROOT);
        String path = config.get("smtpd_sasl_path").trim();
        Path queue = Path.of(config.get("queue_directory"));
        String realm = config.get("smtpd_sasl_local_domain").trim();
        return switch (type) {
            case "dovecot" -> new DovecotBackend(BackendAddress.parse(path, queue), log);
            case "cyrus" -> new SaslauthdBackend(BackendAddress.parse(
                    path.equals("smtpd") ? "/var/run/saslauthd/mux" : path, queue), realm, log);
            default -> {
                Path file = config.configDirectory().resolve(path);
                SecretFiles.requirePrivate("smtpd_sasl_path", file);
                yield new BuiltinBackend(new PasswdFile(file, log::warning), realm, log);
            }
        };
    }

    /** The mechanisms to announce in EHLO, in the backend's order. */
    public List<String> offered(boolean tls) {
        Set<String> options = tls ? tlsOptions : plainOptions;
        return backend.mechanisms().stream()
                .filter(m -> !(m.plaintext() && options.contains("noplaintext")))
                .filter(m -> !(m.anonymous() && options.contains("noanonymous")))
                .map(m -> m.name().toUpperCase(Locale.ROOT))
                .toList();
    }

    /** Starts an exchange, or returns {@code null} for a mechanism that is not offered now. */
    public SaslExchange start(String mechanism, boolean tls, SaslClient client) {
        String name = mechanism.toUpperCase(Locale.ROOT);
        if (!offered(tls).contains(name)) {
            return null;
        }
        return backend.start(name, client);
    }

    private static Set<String> lower(List<String> items) {
        return items.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}
