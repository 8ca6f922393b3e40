package org.bulwark.tls;

import java.util.Locale;
import org.bulwark.config.Config;

/** smtpd_tls_security_level, with the older smtpd_use_tls and smtpd_enforce_tls as Postfix reads them. */
public enum TlsLevel {
    NONE, MAY, ENCRYPT;

    public static TlsLevel of(Config config) {
        String level = config.get("smtpd_tls_security_level").trim().toLowerCase(Locale.ROOT);
        if (!level.isEmpty()) {
            return switch (level) {
                case "may" -> MAY;
                case "encrypt" -> ENCRYPT;
                default -> NONE;
            };
        }
        if (config.bool("smtpd_enforce_tls")) {
            return ENCRYPT;
        }
        return config.bool("smtpd_use_tls") ? MAY : NONE;
    }
}
