package org.bulwark.delivery.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;

/**
 * The smtp(8) parameters of one transport, read once from its configuration; in LMTP mode the
 * lmtp_* names of the same settings ({@code lmtp_lhlo_name} for smtp_helo_name, and so on).
 */
record SmtpSettings(
        boolean lmtp,
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
        boolean wrapperMode,
        String tlsCaFile,
        String tlsCaPath,
        String tlsCertFile,
        String tlsKeyFile,
        List<String> tlsChainFiles,
        String tlsServerName,
        List<String> verifyCertMatch,
        List<String> secureCertMatch,
        TlsLevel daneInsecureMxPolicy,
        String dnsSupportLevel,
        String fingerprintDigest,
        List<String> fingerprints,
        boolean connectionCache,
        Duration connectionCacheTimeLimit,
        Duration connectionReuseTimeLimit,
        Timeouts timeouts,
        boolean sendXforward,
        Duration xforwardTimeout,
        boolean verifyAtData) {

    /** Postfix's per-stage limits (smtp_*_timeout). */
    record Timeouts(Duration connect, Duration helo, Duration starttls, Duration mail, Duration rcpt,
            Duration dataInit, Duration dataXfer, Duration dataDone, Duration rset, Duration quit) {
    }

    static SmtpSettings of(Config config) {
        return of(config, false);
    }

    /** @param lmtp read the lmtp_* parameters (Postfix's lmtp(8), the same program in LMTP mode) */
    static SmtpSettings of(Config config, boolean lmtp) {
        String p = lmtp ? "lmtp_" : "smtp_";
        String helo = lmtp ? "lmtp_lhlo_" : "smtp_helo_";
        return new SmtpSettings(
                lmtp,
                config.get(helo + "name").trim(),
                port(config.get(p + "tcp_port")),
                config.get(p + "bind_address").trim(),
                config.get(p + "bind_address6").trim(),
                config.get("inet_protocols"),
                config.integer(p + "mx_address_limit"),
                config.integer(p + "mx_session_limit"),
                !lmtp && config.bool("smtp_never_send_ehlo"),
                config.bool(p + "skip_5xx_greeting"),
                TlsLevel.of(config.get(p + "tls_security_level"), config.bool(p + "use_tls"),
                        config.bool(p + "enforce_tls"), config.bool(p + "tls_enforce_peername")),
                config.bool(p + "tls_wrappermode"),
                config.get(p + "tls_CAfile"),
                config.get(p + "tls_CApath").strip(),
                config.get(p + "tls_cert_file"),
                config.get(p + "tls_key_file"),
                config.list(p + "tls_chain_files"),
                config.get(p + "tls_servername").strip(),
                matchList(config.get(p + "tls_verify_cert_match")),
                matchList(config.get(p + "tls_secure_cert_match")),
                // smtp(8) only, as in Postfix: LMTP has no MX records.
                lmtp ? TlsLevel.MAY : TlsLevel.of(config.get("smtp_tls_dane_insecure_mx_policy"), false),
                config.get(p + "dns_support_level").trim().toLowerCase(Locale.ROOT),
                config.get(p + "tls_fingerprint_digest").trim().toLowerCase(Locale.ROOT),
                config.list(p + "tls_fingerprint_cert_match"),
                config.bool(p + "connection_cache_on_demand"),
                config.time(p + "connection_cache_time_limit"),
                config.time(p + "connection_reuse_time_limit"),
                new Timeouts(config.time(p + "connect_timeout"), config.time(helo + "timeout"),
                        config.time(p + "starttls_timeout"), config.time(p + "mail_timeout"),
                        config.time(p + "rcpt_timeout"), config.time(p + "data_init_timeout"),
                        config.time(p + "data_xfer_timeout"), config.time(p + "data_done_timeout"),
                        config.time(p + "rset_timeout"), config.time(p + "quit_timeout")),
                config.bool(p + "send_xforward_command"),
                config.time(p + "xforward_timeout"),
                config.get(p + "address_verify_target").strip().equalsIgnoreCase("data"));
    }

    /** The parameters' prefix: {@code lmtp_} in LMTP mode, else {@code smtp_}. */
    String prefix() {
        return lmtp ? "lmtp_" : "smtp_";
    }

    /** {@code smtp_dns_support_level = dnssec}: lookups ask for DNSSEC validation, which DANE needs. */
    boolean dnssec() {
        return dnsSupportLevel.equals("dnssec");
    }

    /** {@code smtp_dns_support_level = disabled}: no MX lookups. */
    boolean dnsDisabled() {
        return dnsSupportLevel.equals("disabled");
    }

    /** A cert_match setting: patterns and strategies separated by commas, white space or colons. */
    private static List<String> matchList(String value) {
        return java.util.Arrays.stream(value.split("[\\s,:]+")).filter(w -> !w.isEmpty())
                .map(w -> w.toLowerCase(Locale.ROOT)).toList();
    }

    /** {@code smtp} or {@code lmtp} (the services names) or a number. */
    private static int port(String value) {
        String v = value.trim();
        return v.isEmpty() || v.equalsIgnoreCase("smtp") ? 25 : v.equalsIgnoreCase("lmtp") ? 24 : Integer.parseInt(v);
    }
}
