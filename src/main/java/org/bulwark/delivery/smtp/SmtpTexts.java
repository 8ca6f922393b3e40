package org.bulwark.delivery.smtp;

import java.net.InetAddress;

/**
 * Every text the SMTP client writes into log lines and delivery status reasons, in Postfix's
 * smtp(8) wording, so that pflogsumm and the administrator's habits keep working.
 */
final class SmtpTexts {

    private SmtpTexts() {
    }

    /** The {@code relay=} field: {@code host[address]:port}. */
    static String relay(String host, InetAddress address, int port) {
        return host + "[" + address.getHostAddress() + "]:" + port;
    }

    static String peer(String host, InetAddress address) {
        return host + "[" + address.getHostAddress() + "]";
    }

    static String hostSaid(String peer, String reply, String command) {
        return "host " + peer + " said: " + reply + " (in reply to " + command + " command)";
    }

    /** @param endpoint {@code host[address]:port}, or a unix-domain socket's path as configured */
    static String connectFailed(String endpoint, String why) {
        return "connect to " + endpoint + ": " + why;
    }

    /** An LMTP server on a unix-domain socket: {@code myhostname[private/dovecot-lmtp]}, no port. */
    static String peer(String host, String socketPath) {
        return host + "[" + socketPath + "]";
    }

    /** Postfix warns, then sends in plaintext: the channel is private (smtp_connect.c). */
    static String unixOpportunisticTls(String path) {
        return "opportunistic TLS encryption is not appropriate for unix-domain destinations: " + path;
    }

    static String tlsOverUnixSocket(String peer) {
        return "TLS is required, but not supported over the unix-domain socket of host " + peer
                + " (use lmtp:inet:host:port, or lmtp_tls_security_level = none)";
    }

    static String lostConnection(String peer, String stage) {
        return "lost connection with " + peer + " while " + stage;
    }

    static String timedOut(String peer, String stage) {
        return "conversation with " + peer + " timed out while " + stage;
    }

    static String refusedGreeting(String peer, String reply) {
        return "host " + peer + " refused to talk to me: " + reply;
    }

    static String nullMx(String domain) {
        return "Domain " + domain + " does not accept mail (nullMX)";
    }

    static String hostNotFound(String name, String type) {
        return "Host or domain name not found. Name service error for name=" + name + " type=" + type
                + ": Host not found";
    }

    static String hostNotFoundTryAgain(String name, String type) {
        return "Host or domain name not found. Name service error for name=" + name + " type=" + type
                + ": Host not found, try again";
    }

    static String noUsableAddress(String name) {
        return "Host or domain name not found. Name service error for name=" + name
                + " type=A: no address of the allowed inet_protocols";
    }

    static String sizeExceeded(long size, long limit, String peer) {
        return "message size " + size + " exceeds size limit " + limit + " of server " + peer;
    }

    static String smtputf8Required(String peer) {
        return "SMTPUTF8 is required, but was not offered by host " + peer;
    }

    static String tlsNotOffered(String peer) {
        return "TLS is required, but was not offered by host " + peer;
    }

    static String tlsFailed(String peer, String why) {
        return "TLS is required, but our TLS engine is unavailable or the handshake with " + peer
                + " failed: " + why;
    }

    static String certificateUntrusted(String peer, String why) {
        return "Server certificate not trusted: " + peer + ": " + why;
    }

    static String certificateNameMismatch(String peer, String expected) {
        return "Server certificate not verified: " + peer + ": the certificate names none of " + expected;
    }

    static String starttlsRefused(String peer, String reply) {
        return "host " + peer + " refused STARTTLS: " + reply;
    }

    /** The log line after a handshake; {@code trust} is Verified, Trusted, Untrusted or Anonymous. */
    static String tlsEstablished(String trust, String relay, String protocol, String cipher, int bits) {
        return trust + " TLS connection established to " + relay + ": " + protocol + " with cipher " + cipher
                + " (" + bits + "/" + bits + " bits)";
    }

    static String tlsSetupFailed(String parameter, String file, String why) {
        return "cannot load " + parameter + " " + file + ": " + why;
    }

    static String plaintextFallback(String relay, String why) {
        return relay + ": " + why + "; trying again without TLS";
    }

    /** Postfix's deferral reasons from smtp_tls_policy.c and smtp_proto.c (status 4.7.5). */
    static final String TLS_CONFIGURATION_PROBLEM = "client TLS configuration problem";
    static final String NON_DNSSEC_DESTINATION = "non DNSSEC destination";
    static final String NO_TLSA_RECORDS = "no TLSA records found";
    static final String TLSA_UNUSABLE = "TLSA records unusable";
    static final String CERTIFICATE_NOT_VERIFIED = "Server certificate not verified";

    static String tlsaLookupError(String host, int port) {
        return "TLSA lookup error for " + host + ":" + port;
    }

    /** The warning when a server is skipped because its TLS policy failed. */
    /** Postfix's prefix of a policy table warning: {@code smtp_tls_policy_maps, next-hop destination "example.org"}. */
    static String policyTableWhere(String parameter, String key) {
        return parameter + ", next-hop destination \"" + key + "\"";
    }

    static String policyTableLoadError(String parameter, String spec, String key, String why) {
        return parameter + " " + spec + ": entry \"" + key + "\": " + why
                + "; mail to this destination would be deferred: fix the entry";
    }

    static String policyNotImplemented(String attribute, String fix) {
        return "attribute \"" + attribute + "\" is not implemented; use " + fix;
    }

    static String policyBadFingerprint(String p, String value, String digest) {
        return "attribute \"match\" has a malformed fingerprint \"" + value + "\": expected " + digest
                + " fingerprints (" + p + "tls_fingerprint_digest) separated by |";
    }

    /** Postfix's excuse when no server was tried (smtp_connect.c). */
    static final String SERVER_UNAVAILABLE = "server unavailable or unable to receive mail";

    /** Postfix's warning for a server skipped in wrapper mode below encrypt; {@code p}: smtp_ or lmtp_. */
    static String wrapperModeNeedsEncrypt(String p) {
        return p + "tls_wrappermode requires \"" + p + "tls_security_level = encrypt\" (or stronger)";
    }

    /** Postfix's hint (smtp_connect.c, helpful_warnings) for port 465 without wrapper mode. */
    static String wrapperModeHint(String p) {
        return "SMTPS wrappermode (TCP port 465) requires setting \"" + p + "tls_wrappermode = yes\", and \""
                + p + "tls_security_level = encrypt\" (or stronger)";
    }

    /** Postfix's warning for a bad smtp_tls_servername. */
    static String invalidServerName(String parameter, String value) {
        return "\"" + parameter + " = " + value + "\" specifies an invalid hostname";
    }

    static String tlsPolicyFailed(String nexthop, String host, String why) {
        return "TLS policy lookup for " + nexthop + "/" + host + ": " + why;
    }

    /** Postfix's startup warning for DANE without DNSSEC (smtp_tls_policy.c dane_init); {@code p}: smtp_ or lmtp_. */
    static String daneWithoutDnssec(String p, String level) {
        return p + "tls_security_level = " + level + " configured with dnssec lookups disabled"
                + " (set " + p + "dns_support_level = dnssec and a validating resolver in dns_servers); "
                + (level.equals("dane") ? "using may" : "deferring all mail");
    }

    static String fingerprintsMissing(String p) {
        return p + "tls_security_level = fingerprint configured, but with no fingerprints to match"
                + " (set " + p + "tls_fingerprint_cert_match); deferring all mail";
    }

    static String badFingerprint(String p, String value, String digest, int bytes) {
        return p + "tls_fingerprint_cert_match: bad fingerprint \"" + value + "\"; a " + digest
                + " fingerprint (" + p + "tls_fingerprint_digest) is " + bytes + " hex bytes, such as "
                + "3D:95:34:...; print one with: openssl x509 -noout -fingerprint -" + digest + " -in cert.pem";
    }

    // SASL authentication to the server (Postfix's smtp_sasl_glue.c and smtp_sasl_proto.c).

    /** The reason Cyrus SASL gives when no offered mechanism passes the security options. */
    static final String SASL_NO_MECHANISM = "no mechanism available";
    static final String SASL_NO_WORTHY_MECHS = "SASL authentication failure: No worthy mechs found";
    static final String SASL_BAD_CHALLENGE = "malformed server challenge";
    static final String SASL_UNEXPECTED_CHALLENGE = "unexpected server challenge";
    static final String SASL_SERVER_SIGNATURE = "server signature does not match (the server does not know the password)";

    static String saslFailed(String peer, String reply) {
        return "SASL authentication failed; server " + peer + " said: " + reply;
    }

    /** Postfix's text when smtp_sasl_auth_cache_name still holds the server's refusal of this login. */
    static String saslCachedFailure(String host, String reply) {
        return "SASL [CACHED] authentication failed; server " + host + " said: " + reply;
    }

    static String authCacheMultipleValues(String p, String name) {
        return p + "sasl_auth_cache_name = " + name + ": SASL authentication cache name \"" + name
                + "\" contains multiple values";
    }

    static String badAuthCacheName(String p, String name) {
        return p + "sasl_auth_cache_name = " + name + ": Bulwark keeps the SASL authentication failure cache in a"
                + " file: proxy:btree:/path (or hash:, lmdb:; the file is Bulwark's own, not a Berkeley DB or LMDB"
                + " file), e.g. proxy:btree:/var/lib/postfix/sasl_auth_cache";
    }

    static String saslCannotAuthenticate(String peer, String why) {
        return "SASL authentication failed; cannot authenticate to server " + peer + ": " + why;
    }

    static String saslNoCompatibleMechanism(String peer) {
        return "SASL authentication failed: server " + peer
                + " offered no compatible authentication mechanisms for this type of connection security";
    }

    static String saslLoop(String peer) {
        return "SASL authentication failed; authentication protocol loop with server " + peer;
    }

    static String saslNonEmptyInitialChallenge(String mechanism, String peer, String challenge) {
        return "SASL authentication failed; non-empty initial " + mechanism + " challenge from server " + peer + ": "
                + challenge;
    }

    /** Postfix's warnings when a server's AUTH list holds nothing usable. */
    static String noSupportedAuth(String relay, String words) {
        return relay + " offered no supported AUTH mechanisms: '" + words + "'";
    }

    static String nullAuthList(String relay) {
        return relay + " offered null AUTH mechanism list";
    }

    /** @param p the parameters' prefix, {@code smtp_} or {@code lmtp_} */
    static String noPasswordMaps(String p) {
        return p + "sasl_auth_enable = yes needs a password table: specify one with " + p + "sasl_password_maps"
                + " (e.g. texthash:/etc/postfix/sasl_passwd, a file with lines like"
                + " \"[smtp.example.com]:587 username:password\", mode 600)";
    }

    static String badSaslSecurityOption(String parameter, String word) {
        return parameter + ": unknown SASL security option \"" + word + "\"; use noplaintext, noactive,"
                + " nodictionary, noanonymous, mutual_auth or forward_secrecy";
    }

    static String badMechanismFilter(String parameter, String item) {
        return parameter + ": \"" + item + "\" is not supported here; list mechanism names"
                + " (e.g. plain, login, !gssapi)";
    }

    /** Postfix's warnings when a relay named in the configuration fails hard. */
    static String configurationProblem(String parameter) {
        return parameter + " configuration problem";
    }

    /** Postfix's warning: a unix-domain LMTP destination has no fallback. */
    static String fallbackIgnoredOverUnix(String parameter, String value) {
        return "ignoring \"" + parameter + " = " + value + "\" setting for non-TCP connections";
    }

    static String badFallbackRelay(String parameter, String why) {
        return configurationProblem(parameter) + ": " + why;
    }

    static final String STAGE_GREETING = "receiving the initial server greeting";
    static final String STAGE_EHLO = "performing the EHLO handshake";
    static final String STAGE_HELO = "performing the HELO handshake";
    static final String STAGE_LHLO = "performing the LHLO handshake";
    static final String STAGE_STARTTLS = "performing the STARTTLS handshake";
    static final String STAGE_MAIL = "sending MAIL FROM";
    static final String STAGE_XFORWARD = "sending XFORWARD";
    static final String STAGE_RCPT = "sending RCPT TO";
    static final String STAGE_DATA = "sending DATA command";
    static final String STAGE_MESSAGE = "sending message body";
    static final String STAGE_DATA_DONE = "sending end of data -- message may be sent more than once";

    // MTA-STS (RFC 8461) and the policy table's trust anchors.

    static String stsFetchFailed(String where, String why) {
        return "policy fetch from " + where + " failed: " + why;
    }

    static String stsTooLarge(int limit) {
        return "policy larger than smtp_mta_sts_policy_size_limit (" + limit + " bytes)";
    }

    static String stsPolicyFetched(String domain, String id, MtaStsPolicy policy) {
        return "MTA-STS policy for " + domain + ": id " + id + ", mode " + policy.mode().word() + ", mx "
                + String.join(" ", policy.mx()) + ", max_age " + policy.maxAge();
    }

    static String stsPolicyInvalid(String why) {
        return "invalid policy: " + why;
    }

    static String stsPolicyUnavailable(String domain, String why, boolean cached) {
        return "MTA-STS policy for " + domain + ": " + why + (cached ? "; using the cached policy"
                : "; delivering as if the domain had no policy");
    }

    static String stsCacheWriteFailed(java.nio.file.Path directory, String why) {
        return "cannot store an MTA-STS policy in " + directory + " (smtp_mta_sts_cache_directory): " + why
                + "; it will be fetched again after a restart";
    }

    static String stsMxMismatch(String domain, String host) {
        return "MTA-STS policy for " + domain + ": MX " + host + " does not match the policy's mx patterns";
    }

    /** A TLS failure under an enforced policy, as the deferral gives it. */
    static String stsFailure(String domain, String why) {
        return why.startsWith("MTA-STS policy for ") ? why : "MTA-STS policy for " + domain + ": " + why;
    }

    static String stsTestingFailure(String why) {
        return why + " (policy mode testing: delivering anyway)";
    }

    static String trustAnchorFileUnreadable(String file, String why) {
        return "cannot read trust anchors from " + file + ": " + why;
    }
}
