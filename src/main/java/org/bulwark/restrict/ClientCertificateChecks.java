package org.bulwark.restrict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ListSyntax;
import org.bulwark.table.LookupTable;
import org.bulwark.tls.ClientCertificate;
import org.bulwark.tls.TlsLevel;

/**
 * The restrictions on TLS client certificates, as Postfix's smtpd_check.c has them:
 * permit_tls_all_clientcerts (any verified certificate), permit_tls_clientcerts (a certificate
 * or public key fingerprint listed in relay_clientcerts) and check_ccert_access (access(5) by
 * fingerprint). A fingerprint pins one certificate, so, as in Postfix, a listed certificate
 * need not verify against a CA.
 */
final class ClientCertificateChecks {

    /** What check_ccert_access looks up, in its search_order. */
    enum Key {
        CERT_FINGERPRINT("cert_fingerprint"),
        PUBKEY_FINGERPRINT("pubkey_fingerprint");

        final String word;

        Key(String word) {
            this.word = word;
        }

        String of(ClientCertificate certificate) {
            return this == CERT_FINGERPRINT ? certificate.fingerprint() : certificate.publicKeyFingerprint();
        }
    }

    static final List<Key> DEFAULT_ORDER = List.of(Key.CERT_FINGERPRINT, Key.PUBKEY_FINGERPRINT);

    private final List<LookupTable> relayClientcerts;
    private final boolean askCcert;

    private ClientCertificateChecks(List<LookupTable> relayClientcerts, boolean askCcert) {
        this.relayClientcerts = relayClientcerts;
        this.askCcert = askCcert;
    }

    static ClientCertificateChecks from(Config config, Environment environment) {
        List<LookupTable> tables = ListSyntax.split(config.get("relay_clientcerts")).stream()
                .map(environment.tables()).toList();
        boolean ask = flag(config, "smtpd_tls_ask_ccert")
                || (flag(config, "smtpd_tls_req_ccert") && encrypted(config));
        return new ClientCertificateChecks(tables, ask);
    }

    /** Where smtpd_tls_req_ccert applies, and so implies smtpd_tls_ask_ccert (as in ServerTls). */
    private static boolean encrypted(Config config) {
        return TlsLevel.of(config) == TlsLevel.ENCRYPT || flag(config, "smtpd_tls_wrappermode");
    }

    private static boolean flag(Config config, String name) {
        return !config.get(name).isBlank() && config.bool(name);
    }

    /** permit_tls_clientcerts, or with {@code all} permit_tls_all_clientcerts. */
    Decision permit(Evaluation e, boolean all, String name) {
        if (e.context().tls() == null) {
            return Decision.DUNNO;
        }
        ClientCertificate certificate = e.context().clientCertificate();
        if (certificate == null) {
            if (!askCcert) {
                e.warnOnce(RestrictTexts.ccertNotAsked(name));
            }
            return Decision.DUNNO;
        }
        if (all && certificate.trusted()) {
            return Decision.PERMIT;
        }
        for (Key key : DEFAULT_ORDER) {
            for (LookupTable table : relayClientcerts) {
                if (table.find(key.of(certificate)).isPresent()) {
                    return Decision.PERMIT;
                }
            }
        }
        return Decision.DUNNO;
    }

    /**
     * check_ccert_access: the fingerprints in {@code order}, each looked up in the table; the
     * first that is found decides as access(5) says, naming the certificate's CN in a refusal
     * ({@code <cn>: Client certificate rejected: ...}).
     */
    Decision access(Evaluation e, LookupTable table, List<Key> order) {
        ClientCertificate certificate = e.context().clientCertificate();
        if (certificate == null) {
            if (!askCcert) {
                e.warnOnce(RestrictTexts.ccertNotAsked("check_ccert_access"));
            }
            return Decision.DUNNO;
        }
        Subject subject = new Subject(certificate.subjectCn(), RestrictTexts.CLIENT_CERTIFICATE);
        for (Key key : order) {
            Optional<String> value = table.find(key.of(certificate));
            if (value.isPresent()) {
                Decision decision = AccessCheck.apply(e, table, value.get(), subject);
                if (!(decision instanceof Decision.Dunno)) {
                    return decision;
                }
            }
        }
        return Decision.DUNNO;
    }

    /**
     * The argument of check_ccert_access: {@code type:table}, or Postfix 3.5's
     * {@code { type:table, { search_order = cert_fingerprint, pubkey_fingerprint } }}.
     */
    record Argument(String table, List<Key> order) {

        static Argument parse(String argument, String parameter) {
            String text = argument.strip();
            if (!text.startsWith("{")) {
                if (text.indexOf(':') < 0) {
                    throw new ConfigException(RestrictTexts.needsTable("check_ccert_access", parameter, argument));
                }
                return new Argument(text, DEFAULT_ORDER);
            }
            if (!text.endsWith("}")) {
                throw new ConfigException(RestrictTexts.badCcertArgument(argument, parameter));
            }
            List<String> items = ListSyntax.split(text.substring(1, text.length() - 1));
            if (items.isEmpty() || items.get(0).indexOf(':') < 0 || items.size() > 2) {
                throw new ConfigException(RestrictTexts.badCcertArgument(argument, parameter));
            }
            if (items.size() == 1) {
                return new Argument(items.get(0), DEFAULT_ORDER);
            }
            String options = items.get(1).strip();
            if (!options.startsWith("{") || !options.endsWith("}")) {
                throw new ConfigException(RestrictTexts.badCcertArgument(argument, parameter));
            }
            String inner = options.substring(1, options.length() - 1).strip();
            int eq = inner.indexOf('=');
            if (eq < 0 || !inner.substring(0, eq).strip().equals("search_order")) {
                throw new ConfigException(RestrictTexts.badCcertArgument(argument, parameter));
            }
            List<Key> order = new ArrayList<>();
            for (String word : ListSyntax.split(inner.substring(eq + 1))) {
                Key key = null;
                for (Key k : Key.values()) {
                    if (k.word.equals(word.toLowerCase(Locale.ROOT))) {
                        key = k;
                    }
                }
                if (key == null) {
                    throw new ConfigException(RestrictTexts.unknownCcertSearch(word, parameter));
                }
                if (!order.contains(key)) {
                    order.add(key);
                }
            }
            if (order.isEmpty()) {
                throw new ConfigException(RestrictTexts.badCcertArgument(argument, parameter));
            }
            return new Argument(items.get(0), List.copyOf(order));
        }
    }
}
