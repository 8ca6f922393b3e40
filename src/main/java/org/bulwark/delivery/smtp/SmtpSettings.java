package org.bulwark.delivery.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;

/** The smtp(8) parameters of one transport, read once from its configuration. */
record SmtpSettings(
        String heloName,
        int defaultPort,
        String bindAddress,
        String bindAddress6,
        String inetProtocols,
        int mxAddressLimit,
        int mxSessionLimit,
        boolean neverSendEhlo,
        boolean skip5xxGreeting,
        TlsLevel tlsLevel,
        String tlsCaFile,
        String dnsSupportLevel,
        String fingerprintDigest,
        List<String> fingerprints,
        boolean connectionCache,
        Duration connectionCacheTimeLimit,
        Duration connectionReuseTimeLimit,
        Timeouts timeouts) {

    /** Postfix's per-stage limits (smtp_*_timeout). */
    record Timeouts(Duration connect, Duration helo, Duration starttls, Duration mail, Duration rcpt,
            Duration dataInit, Duration dataXfer, Duration dataDone, Duration rset, Duration quit) {
    }

    static SmtpSettings of(Config config) {
        return new SmtpSettings(
                config.get("smtp_helo_name").trim(),
                port(config.get("smtp_tcp_port")),
                config.get("smtp_bind_address").trim(),
                config.get("smtp_bind_address6").trim(),
                config.get("inet_protocols"),
                config.integer("smtp_mx_address_limit"),
                config.integer("smtp_mx_session_limit"),
                config.bool("smtp_never_send_ehlo"),
                config.bool("smtp_skip_5xx_greeting"),
                TlsLevel.of(config.get("smtp_tls_security_level"), config.bool("smtp_use_tls")),
                config.get("smtp_tls_CAfile"),
                config.get("smtp_dns_support_level").trim().toLowerCase(Locale.ROOT),
                config.get("smtp_tls_fingerprint_digest").trim().toLowerCase(Locale.ROOT),
                config.list("smtp_tls_fingerprint_cert_match"),
                config.bool("smtp_connection_cache_on_demand"),
                config.time("smtp_connection_cache_time_limit"),
                config.time("smtp_connection_reuse_time_limit"),
                new Timeouts(config.time("smtp_connect_timeout"), config.time("smtp_helo_timeout"),
                        config.time("smtp_starttls_timeout"), config.time("smtp_mail_timeout"),
                        config.time("smtp_rcpt_timeout"), config.time("smtp_data_init_timeout"),
                        config.time("smtp_data_xfer_timeout"), config.time("smtp_data_done_timeout"),
                        config.time("smtp_rset_timeout"), config.time("smtp_quit_timeout")));
    }

    /** {@code smtp_dns_support_level = dnssec}: lookups ask for DNSSEC validation, which DANE needs. */
    boolean dnssec() {
        return dnsSupportLevel.equals("dnssec");
    }

    /** {@code smtp_dns_support_level = disabled}: no MX lookups. */
    boolean dnsDisabled() {
        return dnsSupportLevel.equals("disabled");
    }

    /** {@code smtp} (the services name) or a number. */
    private static int port(String value) {
        String v = value.trim();
        return v.isEmpty() || v.equalsIgnoreCase("smtp") ? 25 : Integer.parseInt(v);
    }
}
