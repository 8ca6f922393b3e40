package org.bulwark.delivery.smtp;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.DeliveryRequest.Target;
import org.bulwark.util.Cidr;
import org.bulwark.util.IpAddresses;

/**
 * Postfix's smtp(8) as a delivery agent, for the {@code smtp} and {@code relay} transports: finds
 * the servers for the nexthop, tries them in order until one takes the transaction (at most
 * {@code smtp_mx_session_limit} sessions), and reports each recipient. Idle connections are cached
 * per nexthop for the next message. Thread-safe: one instance serves every parallel delivery.
 *
 * <p>In LMTP mode ({@link #lmtp}) it is Postfix's lmtp(8), the same program: the nexthop is
 * {@code unix:path} (relative to {@code queue_directory}), {@code inet:host:port} or {@code host:port}
 * without MX lookups, the greeting is answered with LHLO, the lmtp_* parameters apply, and the
 * end of data gets one reply per recipient (RFC 2033).
 */
public final class SmtpDelivery implements DeliveryAgent, AutoCloseable {

    private static final String RELAY_NONE = "none";

    private final String transport;
    private final SmtpSettings settings;
    private final RouteFinder routes;
    private final ClientTls tls;
    private final ConnectionCache cache;
    private final TlsPolicies policies;
    private final MailLog.Logger log;
    private final SenderRelayhosts relayhosts;
    private final SenderRelayhosts probeRelayhosts;
    private final List<String> fallbackRelays;
    /** Null unless smtp_sasl_auth_enable = yes. */
    private final SmtpSaslClient sasl;
    private final SaslPasswords passwords;
    /** smtp_sasl_auth_cache_name's store; null without one. */
    private final SaslAuthCache saslFailures;
    /** Where TLS sessions are reported (RFC 8460); {@link TlsSessionReports#NONE} unless smtp_tlsrpt_enable. */
    private final TlsSessionReports tlsReports;
    /** smtp_tlsrpt_email: mail from it is a report, whose sessions are not reported again. */
    private final String tlsReportSender;
    private final String myhostname;
    private final Path queueDirectory;
    /** Null when smtp_mta_sts_enable = no, and for LMTP. */
    private final MtaSts mtaSts;

    /**
     * @param transport the master.cf service name this instance runs as ({@code smtp}, {@code relay})
     */
    public SmtpDelivery(Config config, String transport, DnsResolver dns, MailLog log) {
        this(config, transport, dns, log, false, null);
    }

    /**
     * As {@link #SmtpDelivery(Config, String, DnsResolver, MailLog)}, handing each TLS session's
     * outcome to {@code reports} instead of the TLS-RPT history that smtp_tlsrpt_enable chooses.
     */
    public SmtpDelivery(Config config, String transport, DnsResolver dns, MailLog log, TlsSessionReports reports) {
        this(config, transport, dns, log, false, reports);
    }

    /** An LMTP client (master.cf command {@code lmtp}), e.g. for {@code virtual_transport = lmtp:unix:private/dovecot-lmtp}. */
    public static SmtpDelivery lmtp(Config config, String transport, DnsResolver dns, MailLog log) {
        return new SmtpDelivery(config, transport, dns, log, true, TlsSessionReports.NONE);
    }

    /** @param reports null: as smtp_tlsrpt_enable says */
    private SmtpDelivery(Config config, String transport, DnsResolver dns, MailLog log, boolean lmtp,
            TlsSessionReports reports) {
        this.transport = transport;
        this.settings = SmtpSettings.of(config, lmtp);
        this.myhostname = config.get("myhostname").trim();
        this.queueDirectory = Path.of(config.get("queue_directory").trim());
        this.routes = new RouteFinder(dns, settings.inetProtocols(), settings.mxAddressLimit(), new Random(),
                settings.dnssec(), !settings.dnsDisabled());
        String p = settings.prefix();
        // A policy table may ask for TLS where smtp_tls_security_level does not.
        boolean policyMaps = !config.list(p + TlsPolicyTable.PARAMETER).isEmpty();
        boolean sts = !lmtp && config.bool("smtp_mta_sts_enable");
        try {
            this.tls = settings.tlsLevel() == TlsLevel.NONE && !policyMaps && !sts ? null
                    : ClientTls.create(p, settings.tlsCaFile(), settings.tlsCaPath(), settings.tlsCertFile(),
                            settings.tlsKeyFile(), settings.tlsChainFiles());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage()).locatedIn(config);
        }
        this.cache = new ConnectionCache(settings.connectionCacheTimeLimit(), settings.connectionReuseTimeLimit(),
                Clock.systemUTC());
        this.log = log.program(transport);
        // Postfix reports TLS for SMTP only, never for LMTP.
        this.tlsReports = lmtp ? TlsSessionReports.NONE
                : reports != null ? reports : TlsRptRecorder.create(config, this.log);
        this.tlsReportSender = config.get("smtp_tlsrpt_email").strip();
        this.mtaSts = sts ? mtaSts(config, dns, settings, this.log, tlsReports) : null;
        this.relayhosts = SenderRelayhosts.of(config);
        // Probes (verify(8)) use address_verify_relayhost and address_verify_sender_dependent_relayhost_maps.
        this.probeRelayhosts = lmtp ? relayhosts : SenderRelayhosts.of(config.with(java.util.Map.of(
                "relayhost", config.get("address_verify_relayhost"),
                "sender_dependent_relayhost_maps", config.get("address_verify_sender_dependent_relayhost_maps"))));
        // lmtp(8) has no sender relayhosts (trivial-rewrite's, for SMTP) but the same fallback relays and login.
        this.fallbackRelays = config.list(p + "fallback_relay");
        if (config.bool(p + "sasl_auth_enable")) {
            this.passwords = SaslPasswords.of(config, p);
            if (passwords.isEmpty()) {
                throw new ConfigException(SmtpTexts.noPasswordMaps(p));
            }
            this.saslFailures = SaslAuthCache.of(config, p, this.log);
            this.sasl = new SmtpSaslClient(SaslMechanisms.of(config, p), config.bool(p + "sasl_auth_soft_bounce"),
                    settings.timeouts().helo(), saslFailures);
        } else {
            this.passwords = null;
            this.sasl = null;
            this.saslFailures = null;
        }
        List<TlsPolicy.Association> fingerprints = Fingerprints.parse(settings, config);
        TlsPolicyTable table = TlsPolicyTable.of(config, p, settings.fingerprintDigest());
        List<TlsPolicy.Association> anchors = new ArrayList<>();
        for (String file : config.list(p + "tls_trust_anchor_file")) {
            try {
                anchors.addAll(TrustAnchorFiles.load(file));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(p + "tls_trust_anchor_file: " + e.getMessage()).locatedIn(config);
            }
        }
        String serverName = settings.tlsServerName().toLowerCase(Locale.ROOT);
        if (!serverName.isEmpty() && !TlsPolicyTable.validHostname(serverName)) {
            throw new ConfigException(SmtpTexts.invalidServerName(p + "tls_servername", settings.tlsServerName()))
                    .locatedIn(config);
        }
        this.policies = new TlsPolicies(settings.tlsLevel(), settings.dnssec(), fingerprints, dns, table, this.log::warning,
                anchors, new TlsPolicies.Defaults(settings.verifyCertMatch(), settings.secureCertMatch(), serverName,
                        settings.daneInsecureMxPolicy()));
        if (settings.tlsLevel().daneBased() && !settings.dnssec()) {
            this.log.warning(SmtpTexts.daneWithoutDnssec(p, settings.tlsLevel().word()));
        }
        if (settings.tlsLevel() == TlsLevel.FINGERPRINT && fingerprints.isEmpty()) {
            this.log.warning(SmtpTexts.fingerprintsMissing(p));
        }
    }

    private static MtaSts mtaSts(Config config, DnsResolver dns, SmtpSettings settings, MailLog.Logger log,
            TlsSessionReports reports) {
        long size = config.size("smtp_mta_sts_policy_size_limit");
        MtaStsFetcher fetcher = new MtaStsFetcher(dns, settings.tlsCaFile(), settings.tlsCaPath(),
                config.integer("smtp_mta_sts_https_port"), config.time("smtp_mta_sts_fetch_timeout"), (int) Math.min(Integer.MAX_VALUE, size),
                settings.inetProtocols());
        MtaStsCache cache = new MtaStsCache(Path.of(config.get("smtp_mta_sts_cache_directory").strip()));
        return new MtaSts(dns, fetcher, cache, config.time("smtp_mta_sts_refresh_interval"), Clock.systemUTC(),
                log::warning, log::info, reports);
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public DeliveryReport deliver(DeliveryRequest request) {
        String text = request.nexthop().trim();
        if (settings.lmtp() && text.regionMatches(true, 0, "unix:", 0, 5)) {
            return deliverUnix(request, text.substring(5));
        }
        MailAddress sender = request.message().envelope().sender();
        SenderRelayhosts relays = request.message().envelope().probe() ? probeRelayhosts : relayhosts;
        // lmtp(8) looks the destination up (TLS policy, password) without its "inet:".
        String nexthopText = !settings.lmtp() ? relays.nexthop(text, sender, recipientDomain(request))
                : text.regionMatches(true, 0, "inet:", 0, 5) ? text.substring(5) : text;
        Nexthop nexthop;
        try {
            if (settings.lmtp()) {
                // lmtp(8) delivers straight to the host: inet:host:port, host:port or [host]:port, no MX.
                Nexthop parsed = Nexthop.parse(nexthopText);
                nexthop = new Nexthop(parsed.host(), parsed.port(), false).withDefaultPort(settings.defaultPort());
            } else {
                nexthop = Nexthop.parse(nexthopText).withDefaultPort(settings.defaultPort());
            }
        } catch (IllegalArgumentException e) {
            return all(request.targets(), Status.DEFERRED, RELAY_NONE, "4.3.5", e.getMessage());
        }
        String destination = nexthop.host().toLowerCase(Locale.ROOT) + ":" + nexthop.port() + (nexthop.mxLookup() ? "" : "!");
        if (sasl != null && passwords.senderDependent()) {
            // The login depends on the sender: a connection authenticated for one is not another's.
            destination += "/" + sender.internal().toLowerCase(Locale.ROOT);
        }
        MtaSts.Applied sts = mtaStsPolicy(request, nexthopText, nexthop);
        SmtpConnection cached = settings.connectionCache() ? cache.take(destination) : null;
        if (cached != null && sts != null && sts.enforce() && !cached.tlsVerified()) {
            // Opened before the policy was known: an enforced policy must not ride on it.
            cached.close();
            cached = null;
        }
        if (cached != null) {
            try {
                return finish(destination, cached, new MailTransaction(cached, settings).run(request));
            } catch (SessionFailure f) {
                cached.closeQuietly();
                // A cached connection that broke says nothing about the destination: try afresh.
            }
        }
        Attempt attempt = attempt(request, nexthopText, nexthop, destination, sts);
        boolean fallback = false;
        // smtp_fallback_relay: tried after the nexthop's servers failed for now, or its name did not resolve.
        for (String relay : fallbackRelays) {
            if (!(attempt instanceof Attempt.Failed failed) || !failed.fallbackMayHelp()) {
                break;
            }
            Nexthop next;
            try {
                next = Nexthop.parse(relay).withDefaultPort(settings.defaultPort());
                if (settings.lmtp()) {
                    // lmtp(8) looks up no MX, for a fallback relay either.
                    next = new Nexthop(next.host(), next.port(), false);
                }
            } catch (IllegalArgumentException e) {
                log.warning(SmtpTexts.badFallbackRelay(settings.prefix() + "fallback_relay", e.getMessage()));
                continue;
            }
            attempt = attempt(request, relay, next, null, null);
            fallback = true;
        }
        boolean viaFallback = fallback;
        return switch (attempt) {
            case Attempt.Done done -> done.report();
            case Attempt.Failed f when viaFallback && !f.temporary() -> {
                // A fallback relay that fails hard is a configuration problem: keep the mail (Postfix: 4.3.5).
                log.warning(SmtpTexts.configurationProblem(settings.prefix() + "fallback_relay"));
                yield all(request.targets(), Status.DEFERRED, f.relay(), "4.3.5", f.text());
            }
            case Attempt.Failed f -> all(request.targets(), f.temporary() ? Status.DEFERRED : Status.BOUNCED, f.relay(),
                    f.dsn(), f.text());
        };
    }

    /** How far one nexthop got: a transaction ran (each recipient has its outcome), or no server took the mail. */
    private sealed interface Attempt {
        record Done(DeliveryReport report) implements Attempt {
        }

        /** @param routeFailure the nexthop's servers could not be found (DNS), rather than failed */
        record Failed(boolean temporary, String relay, String dsn, String text, boolean routeFailure) implements Attempt {
            /** Postfix tries the fallback relays after a soft error, or a hard lookup error other than a null MX. */
            boolean fallbackMayHelp() {
                return temporary || (routeFailure && !dsn.equals("5.1.10"));
            }
        }
    }

    /**
     * The servers of one nexthop in order, up to {@code smtp_mx_session_limit} sessions.
     *
     * @param nexthopText the nexthop as written, the last key of the password lookup
     * @param destination the connection cache key, or null not to cache (a fallback relay)
     * @param sts         the destination's MTA-STS policy, or null
     */
    private Attempt attempt(DeliveryRequest request, String nexthopText, Nexthop nexthop, String destination,
            MtaSts.Applied sts) {
        if (!settings.wrapperMode() && nexthop.port() == 465) {
            log.info(SmtpTexts.wrapperModeHint(settings.prefix()));
        }
        Route route = routes.find(nexthop);
        if (route instanceof Route.Failure failure) {
            return new Attempt.Failed(failure.temporary(), RELAY_NONE, failure.dsn(), failure.text(), true);
        }
        List<Route.Server> servers = ((Route.Servers) route).servers();
        SessionFailure last = null;
        String lastRelay = RELAY_NONE;
        int sessions = 0;
        String reportDomain = tlsReportDomain(request, nexthop);
        for (Route.Server server : servers) {
            if (settings.mxSessionLimit() > 0 && sessions >= settings.mxSessionLimit()) {
                break;
            }
            SmtpConnection connection;
            try {
                connection = open(server, policy(nexthopText, nexthop, server, sts, reportDomain), reportDomain);
                authenticate(connection, request, nexthopText);
            } catch (SessionFailure f) {
                last = f;
                if (!f.connected()) {
                    lastRelay = RELAY_NONE;
                } else {
                    lastRelay = SmtpTexts.relay(server.host(), server.address(), server.port());
                    sessions++;
                }
                if (!f.tryNextServer()) {
                    break;
                }
                continue;
            }
            try {
                return new Attempt.Done(finish(destination, connection, new MailTransaction(connection, settings).run(request)));
            } catch (SessionFailure f) {
                connection.closeQuietly();
                return new Attempt.Done(all(request.targets(), f.temporary() ? Status.DEFERRED : Status.BOUNCED,
                        connection.relay(), f.dsn(), f.text()));
            }
        }
        return new Attempt.Failed(last == null || last.temporary(), lastRelay, last == null ? "4.4.1" : last.dsn(),
                last == null ? SmtpTexts.noUsableAddress(nexthop.host()) : last.text(), false);
    }

    /**
     * SASL authentication after EHLO (and STARTTLS), when enabled, offered by the server and a login
     * is found for it; otherwise the client talks to the server as a stranger, as Postfix does.
     * A failure ends this session: the next server is tried.
     */
    private void authenticate(SmtpConnection connection, DeliveryRequest request, String nexthopText)
            throws SessionFailure {
        if (sasl == null || !connection.offersAuth()) {
            return;
        }
        Optional<SaslPasswords.Credentials> login = passwords.find(request.message().envelope().sender(),
                connection.host(), nexthopText);
        if (login.isEmpty()) {
            return;
        }
        try {
            sasl.authenticate(connection, login.get(), log::warning);
        } catch (SessionFailure f) {
            connection.close();
            throw f;
        }
    }

    /** The recipients' domain (one per delivery when the nexthop is the domain). */
    private static String recipientDomain(DeliveryRequest request) {
        return request.targets().isEmpty() ? null : request.targets().get(0).address().domain();
    }

    /**
     * LMTP over a unix-domain socket ({@code unix:private/dovecot-lmtp}): one server, no DNS. The
     * channel is private, so opportunistic TLS is dropped, as Postfix does, and a mandatory level
     * defers rather than sending in plaintext.
     */
    private DeliveryReport deliverUnix(DeliveryRequest request, String pathText) {
        String label = pathText.trim();
        Path path = queueDirectory.resolve(label);
        TlsLevel level;
        try {
            level = policies.unixLevel(label);
        } catch (SessionFailure f) {
            return all(request.targets(), Status.DEFERRED, RELAY_NONE, f.dsn(), f.text());
        }
        if (level.mandatory()) {
            return all(request.targets(), Status.DEFERRED, RELAY_NONE, "4.7.4",
                    SmtpTexts.tlsOverUnixSocket(SmtpTexts.peer(myhostname, label)));
        }
        String destination = "unix:" + path;
        if (sasl != null && passwords.senderDependent()) {
            destination += "/" + request.message().envelope().sender().internal().toLowerCase(Locale.ROOT);
        }
        SmtpConnection cached = settings.connectionCache() ? cache.take(destination) : null;
        if (cached != null) {
            try {
                return finish(destination, cached, new MailTransaction(cached, settings).run(request));
            } catch (SessionFailure f) {
                cached.closeQuietly();
            }
        }
        if (level == TlsLevel.MAY) {
            log.warning(SmtpTexts.unixOpportunisticTls(label));
        }
        if (!fallbackRelays.isEmpty()) {
            log.warning(SmtpTexts.fallbackIgnoredOverUnix(settings.prefix() + "fallback_relay",
                    String.join(", ", fallbackRelays)));
        }
        SmtpConnection connection;
        try {
            connection = SmtpConnection.openUnix(myhostname, path, label, settings, log::info);
            authenticate(connection, request, label);
        } catch (SessionFailure f) {
            return all(request.targets(), f.temporary() ? Status.DEFERRED : Status.BOUNCED,
                    f.connected() ? SmtpTexts.peer(myhostname, label) : RELAY_NONE, f.dsn(), f.text());
        }
        try {
            return finish(destination, connection, new MailTransaction(connection, settings).run(request));
        } catch (SessionFailure f) {
            connection.closeQuietly();
            return all(request.targets(), f.temporary() ? Status.DEFERRED : Status.BOUNCED, connection.relay(),
                    f.dsn(), f.text());
        }
    }

    /**
     * The MTA-STS policy of the destination (RFC 8461), when it applies: to a recipient domain
     * whose MX records are looked up, not to a relayhost, a {@code [host]} or another domain a
     * transport names, and not where {@code smtp_tls_policy_maps} has an entry for it.
     */
    private MtaSts.Applied mtaStsPolicy(DeliveryRequest request, String nexthopText, Nexthop nexthop) {
        String domain = recipientDomain(request);
        if (mtaSts == null || !nexthop.mxLookup() || settings.dnsDisabled() || domain == null
                || !nexthop.host().equalsIgnoreCase(domain) || Cidr.literalBytes(nexthop.host()) != null
                || policies.hasTableEntry(nexthopText)) {
            return null;
        }
        return mtaSts.find(domain).orElse(null);
    }

    /** The server's TLS policy; one that cannot be settled skips the server, with Postfix's warning. */
    private TlsPolicy policy(String nexthopText, Nexthop nexthop, Route.Server server, MtaSts.Applied sts,
            String reportDomain)
            throws SessionFailure {
        TlsPolicy policy;
        try {
            policy = policies.find(nexthopText, nexthop, server, sts);
        } catch (SessionFailure f) {
            log.warning(SmtpTexts.tlsPolicyFailed(nexthop.host(), server.host(), f.text()));
            reportTls(reportDomain, server, null, f);
            throw f;
        }
        if (settings.wrapperMode() && !policy.level().mandatory()) {
            // Postfix's smtp_connect.c: wrapper mode never falls back to plaintext; the server is skipped.
            log.warning(SmtpTexts.wrapperModeNeedsEncrypt(settings.prefix()));
            throw SessionFailure.skipped();
        }
        return policy;
    }

    /**
     * Connects with the TLS the policy asks for. At {@code may} a failed handshake is followed by
     * a plaintext connection to the same server, as Postfix does: opportunistic TLS must never
     * make mail undeliverable (RFC 7435 §3).
     */
    private SmtpConnection open(Route.Server server, TlsPolicy policy, String reportDomain) throws SessionFailure {
        SmtpConnection connection;
        try {
            connection = SmtpConnection.open(server, settings, tls, policy, log::info);
        } catch (SessionFailure f) {
            SessionFailure failure = f;
            if (policy.sts() != null && f.tlsResult() != null) {
                failure = stsFailure(policy.sts(), server, f);
            }
            reportTls(reportDomain, server, policy, failure);
            if (!failure.tlsHandshakeFailed() || policy.level().mandatory()) {
                throw failure;
            }
            log.info(SmtpTexts.plaintextFallback(SmtpTexts.relay(server.host(), server.address(), server.port()), f.text()));
            return SmtpConnection.open(server, settings, null, policy, log::info);
        }
        if (policy.sts() != null) {
            audit(policy.sts(), server, connection, reportDomain);
        } else if (connection.encrypted() && reportDomain != null) {
            tlsReports.success(reportDomain, reportPolicy(policy, server, reportDomain), server.host(),
                    IpAddresses.format(server.address()), connection.localAddress());
        }
        return connection;
    }

    /**
     * A TLS failure under an MTA-STS policy: reported, and in enforce mode the deferral names the
     * policy; in testing mode it is logged and the delivery goes on as it would without the policy.
     */
    private SessionFailure stsFailure(MtaSts.Applied sts, Route.Server server, SessionFailure f) {
        String why = SmtpTexts.stsFailure(sts.domain(), f.text());
        // An MX outside a testing policy's patterns was reported as that alone (see audit).
        String resultType = sts.policy().matches(server.host()) ? f.tlsResult() : TlsSessionReports.VALIDATION_FAILURE;
        String reason = sts.policy().matches(server.host()) ? f.tlsReason() : TlsPolicies.MX_MISMATCH;
        f.tlsReport(resultType, reason, sts.reportPolicy());
        if (sts.enforce()) {
            return f.withText(why);
        }
        if (sts.policy().matches(server.host())) {
            log.warning(SmtpTexts.stsTestingFailure(why));
        }
        return f;
    }

    /**
     * Reports a session made under an MTA-STS policy; in testing mode, what would have failed it.
     * An MX outside a testing policy's patterns is reported as that, whatever its TLS (the warning
     * was logged when the policy was settled).
     */
    private void audit(MtaSts.Applied sts, Route.Server server, SmtpConnection connection, String reportDomain) {
        ClientTls.Established session = connection.tlsSession();
        String type;
        String why;
        String peer = SmtpTexts.peer(server.host(), server.address());
        String receivingIp = IpAddresses.format(server.address());
        if (!sts.policy().matches(server.host())) {
            if (reportDomain != null) {
                tlsReports.failure(reportDomain, sts.reportPolicy(), TlsSessionReports.VALIDATION_FAILURE, server.host(),
                        receivingIp, TlsPolicies.MX_MISMATCH, connection.localAddress());
            }
            return;
        }
        if (session == null) {
            type = TlsSessionReports.STARTTLS_NOT_SUPPORTED;
            why = SmtpTexts.tlsNotOffered(peer);
        } else if (!session.chainTrusted()) {
            type = session.expired() ? TlsSessionReports.CERTIFICATE_EXPIRED : TlsSessionReports.CERTIFICATE_NOT_TRUSTED;
            why = SmtpTexts.certificateUntrusted(peer, "untrusted issuer");
        } else if (!session.nameMatched()) {
            type = TlsSessionReports.CERTIFICATE_HOST_MISMATCH;
            why = SmtpTexts.certificateNameMismatch(peer, server.host());
        } else {
            if (reportDomain != null) {
                tlsReports.success(reportDomain, sts.reportPolicy(), server.host(), receivingIp,
                        connection.localAddress());
            }
            return;
        }
        if (reportDomain != null) {
            tlsReports.failure(reportDomain, sts.reportPolicy(), type, server.host(), receivingIp, "",
                    connection.localAddress());
        }
        log.warning(SmtpTexts.stsTestingFailure(SmtpTexts.stsFailure(sts.domain(), why)));
    }

    /**
     * The domain this delivery's TLS sessions are reported to, or null for none. Postfix reports the
     * TLS of SMTP deliveries to a domain (not to an address literal) with TLS attempted; a policy
     * that fails before connecting (DANE) is reported too. The reports themselves (mail from
     * smtp_tlsrpt_email) are left out, as RFC 8460 §5.3 asks.
     */
    private String tlsReportDomain(DeliveryRequest request, Nexthop nexthop) {
        if (tlsReports == TlsSessionReports.NONE || tls == null
                || Cidr.literalBytes(nexthop.host()) != null) {
            return null;
        }
        MailAddress sender = request.message().envelope().sender();
        if (!sender.isNullSender() && sender.internal().equalsIgnoreCase(tlsReportSender)) {
            return null;
        }
        return nexthop.host();
    }

    /** A failure that was about TLS, to SMTP TLS Reporting; others (a refused connection) are not reported. */
    private void reportTls(String reportDomain, Route.Server server, TlsPolicy policy, SessionFailure f) {
        if (f.tlsResult() == null || reportDomain == null) {
            return;
        }
        TlsReportPolicy reported = f.tlsPolicy() != null ? f.tlsPolicy() : reportPolicy(policy, server, reportDomain);
        tlsReports.failure(reportDomain, reported, f.tlsResult(), server.host(),
                IpAddresses.format(server.address()), f.tlsReason(), f.sendingIp());
    }

    /** RFC 8460 §4.3: DANE is a "tlsa" policy of the server's TLSA records; anything else found no policy. */
    private static TlsReportPolicy reportPolicy(TlsPolicy policy, Route.Server server, String reportDomain) {
        if (policy != null && policy.level() == TlsLevel.DANE) {
            return TlsReportPolicy.tlsa(server.host(),
                    policy.associations().stream().map(TlsPolicy.Association::presentation).toList());
        }
        return TlsReportPolicy.noPolicyFound(reportDomain);
    }

    private DeliveryReport finish(String destination, SmtpConnection connection, MailTransaction.Result result) {
        if (result.reusable() && settings.connectionCache() && destination != null) {
            cache.put(destination, connection);
        } else {
            connection.close();
        }
        return new DeliveryReport(result.outcomes());
    }

    private static DeliveryReport all(List<Target> targets, Status status, String relay, String dsn, String text) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            outcomes.add(new Outcome(t, status, relay, dsn, text));
        }
        return new DeliveryReport(outcomes);
    }

    /** How many connections wait in the cache (for tests and status). */
    public int idleConnections() {
        return cache.idleCount();
    }

    /** Closes the cached connections with QUIT. */
    @Override
    public void close() {
        cache.close();
        if (saslFailures != null) {
            saslFailures.close();
        }
    }
}
