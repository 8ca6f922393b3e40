package org.bulwark.restrict;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.policy.Greylist;
import org.bulwark.policy.GreylistSettings;
import org.bulwark.policy.GreylistStore;
import org.bulwark.policy.GreylistStores;
import org.bulwark.policy.PolicyClient;
import org.bulwark.policy.PolicyEndpoint;
import org.bulwark.policy.PolicyException;
import org.bulwark.policy.PolicyOptions;
import org.bulwark.policy.PolicyService;
import org.bulwark.policy.PolicySpec;
import org.bulwark.table.LookupTable;
import org.bulwark.util.RedisConnection;

/**
 * {@code check_policy_service}: sends the session's attributes (SMTPD_POLICY_README's list for the
 * stage) to a policy server, or to a built-in policy, and applies its action as access(5) does.
 * When the server cannot be asked, default_action applies, after a warning.
 */
final class PolicyCheck {

    private final String spec;
    private final PolicyService service;
    private final String defaultAction;
    private final String policyContext;
    /** Only for {@link AccessCheck#apply}: names the policy in its warnings. */
    private final LookupTable asTable;

    private PolicyCheck(String spec, PolicyService service, String defaultAction, String policyContext) {
        this.spec = spec;
        this.service = service;
        this.defaultAction = defaultAction;
        this.policyContext = policyContext;
        this.asTable = new LookupTable() {
            public Optional<String> find(String key) {
                return Optional.empty();
            }

            public String spec() {
                return spec;
            }
        };
    }

    String spec() {
        return spec;
    }

    /**
     * Builds the check for one {@code check_policy_service} argument.
     *
     * @throws ConfigException for a malformed argument or an unknown built-in policy
     */
    static PolicyCheck create(String argument, Config config, Resources resources, DnsResolver dns,
            MailLog.Logger log) {
        try {
            PolicySpec parsed = PolicySpec.parse(argument, PolicyOptions.from(config));
            PolicyEndpoint endpoint = PolicyEndpoint.parse(parsed.endpoint(), queueDirectory(config));
            PolicyOptions options = parsed.options();
            PolicyService service = switch (endpoint) {
                case PolicyEndpoint.Builtin b -> resources.builtins.computeIfAbsent(b.name(),
                        name -> builtin(name, config, dns, log, resources));
                default -> {
                    PolicyClient client = new PolicyClient(endpoint, options);
                    resources.closeables.add(client);
                    yield request -> {
                        try {
                            return client.query(request);
                        } catch (PolicyException e) {
                            throw new Unavailable(e.getMessage());
                        }
                    };
                }
            };
            return new PolicyCheck(endpoint.spec(), service, options.defaultAction(), options.policyContext());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The built-in policies; one instance per configuration, shared by every list that names it. */
    private static PolicyService builtin(String name, Config config, DnsResolver dns, MailLog.Logger log,
            Resources resources) {
        if (name.equals("spf")) {
            return new SpfPolicy(dns != null ? dns : DnsResolver.create(config), config.get("myhostname").trim())::decide;
        }
        if (!name.equals("greylist")) {
            throw new IllegalArgumentException(RestrictTexts.unknownBuiltinPolicy(name));
        }
        GreylistStore store = GreylistStores.acquire(config.get("greylist_database"), config.configDirectory(), log);
        resources.closeables.add(store);
        return new Greylist(GreylistSettings.from(config), store, java.time.Clock.systemDefaultZone(), log);
    }

    private static Path queueDirectory(Config config) {
        return Path.of(config.get("queue_directory"));
    }

    Decision evaluate(Evaluation e, Subject subject) {
        String action;
        try {
            action = service.decide(attributes(e));
        } catch (RuntimeException failure) {
            // A Redis outage under a built-in policy was logged once, when it began: not per request.
            if (!(failure instanceof RedisConnection.Unavailable)) {
                e.warn(RestrictTexts.policyProblem(spec, String.valueOf(failure.getMessage())));
            }
            action = defaultAction;
        }
        return AccessCheck.apply(e, asTable, action, subject);
    }

    /** SMTPD_POLICY_README's attributes; those we do not know yet (SASL method) are sent empty. */
    private Map<String, String> attributes(Evaluation e) {
        SmtpdContext c = e.context();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("request", "smtpd_access_policy");
        a.put("protocol_state", protocolState(e.stage(), c));
        a.put("protocol_name", c.protocol() == null ? "SMTP" : c.protocol());
        a.put("helo_name", c.helo() == null ? "" : c.helo());
        a.put("queue_id", "");
        a.put("sender", c.sender() == null ? "" : c.sender().internal());
        a.put("recipient", c.recipient() == null ? "" : c.recipient().internal());
        a.put("recipient_count", Integer.toString(e.stage() == Stage.RCPT ? 0 : c.recipientCount()));
        a.put("client_address", Subject.hostAddress(c.clientAddress()));
        a.put("client_name", c.clientName() == null ? "unknown" : c.clientName());
        a.put("reverse_client_name", c.reverseName() == null ? "unknown" : c.reverseName());
        a.put("instance", instance(c));
        a.put("sasl_method", "");
        a.put("sasl_username", c.saslUsername() == null ? "" : c.saslUsername());
        a.put("sasl_sender", "");
        a.put("size", Long.toString(c.messageSize()));
        // As Postfix: the names only of a verified certificate (xtext-encoded), the fingerprints of any.
        org.bulwark.tls.ClientCertificate ccert = c.clientCertificate();
        boolean trusted = ccert != null && ccert.trusted();
        a.put("ccert_subject", trusted ? org.bulwark.protocol.Xtext.encode(ccert.subjectCn()) : "");
        a.put("ccert_issuer", trusted ? org.bulwark.protocol.Xtext.encode(ccert.issuerCn()) : "");
        a.put("ccert_fingerprint", ccert == null ? "" : ccert.fingerprint());
        a.put("ccert_pubkey_fingerprint", ccert == null ? "" : ccert.publicKeyFingerprint());
        a.put("encryption_protocol", c.tls() == null ? "" : c.tls().protocol());
        a.put("encryption_cipher", c.tls() == null ? "" : c.tls().cipher());
        a.put("encryption_keysize", c.tls() == null ? "0" : Integer.toString(c.tls().bits()));
        a.put("etrn_domain", e.stage() == Stage.ETRN && c.recipient() != null ? c.recipient().domain() : "");
        a.put("stress", "");
        a.put("policy_context", policyContext);
        a.put("compatibility_level", "3.7");
        a.put("mail_version", "3.7.0");
        return a;
    }

    private static String protocolState(Stage stage, SmtpdContext c) {
        return switch (stage) {
            case CONNECT -> "CONNECT";
            case HELO -> "ESMTP".equals(c.protocol()) ? "EHLO" : "HELO";
            case MAIL -> "MAIL";
            case RCPT -> "RCPT";
            case DATA -> "DATA";
            case END_OF_DATA -> "END-OF-MESSAGE";
            case ETRN -> "ETRN";
        };
    }

    /**
     * Postfix's instance names one mail transaction, so that a policy acts once per message
     * (postgrey's X-Greylist, policyd-spf's result cache). The context carries no transaction
     * number, but its sender is one object from MAIL FROM to the end of the transaction, made anew
     * by the next MAIL FROM; its identity stands in for the number.
     */
    private static String instance(SmtpdContext c) {
        String key = Subject.hostAddress(c.clientAddress()) + "/" + c.helo();
        int transaction = c.sender() == null ? 0 : System.identityHashCode(c.sender());
        return Integer.toHexString(key.hashCode()) + "." + Integer.toHexString(transaction).toLowerCase(Locale.ROOT);
    }

    /** A policy server that could not be asked. */
    private static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What the policy checks of one configuration share and hold open: the built-in policies
     * (one instance each, whichever lists name them) and the connections and stores to close.
     */
    static final class Resources implements AutoCloseable {
        private final Map<String, PolicyService> builtins = new ConcurrentHashMap<>();
        private final java.util.List<AutoCloseable> closeables = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void close() {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception e) {
                    // Closing is all we wanted.
                }
            }
            closeables.clear();
            builtins.clear();
        }
    }
}
