package org.bulwark.delivery.smtp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;

/**
 * Which AUTH mechanism the SMTP client uses with a server: of those the server offers, the ones
 * {@code smtp_sasl_mechanism_filter} lets through, the first in order of strength (SCRAM-SHA-256,
 * PLAIN, LOGIN) that the security options of the connection allow. The options are Cyrus SASL's
 * words, as Postfix passes them: {@code smtp_sasl_security_options} without TLS,
 * {@code smtp_sasl_tls_security_options} over TLS, {@code smtp_sasl_tls_verified_security_options}
 * over TLS with a verified server certificate. With the default {@code noplaintext}, a password
 * never crosses an unencrypted connection in the clear.
 */
final class SaslMechanisms {

    /** What the client can do, strongest first, with the attacks each one resists. */
    enum Mechanism {
        SCRAM_SHA_256("SCRAM-SHA-256", false, true, true),
        PLAIN("PLAIN", true, false, false),
        LOGIN("LOGIN", true, false, false);

        final String word;
        /** Sends the password itself (readable by a passive listener without TLS). */
        final boolean plaintext;
        /** Resists an active attacker who replays or relays the exchange (Cyrus's noactive). */
        final boolean resistsActive;
        /** Proves the server knows the password too. */
        final boolean mutual;

        Mechanism(String word, boolean plaintext, boolean resistsActive, boolean mutual) {
            this.word = word;
            this.plaintext = plaintext;
            this.resistsActive = resistsActive;
            this.mutual = mutual;
        }
    }

    /** The security option words Postfix's Cyrus glue accepts. */
    enum Option {
        NOPLAINTEXT, NOACTIVE, NODICTIONARY, NOANONYMOUS, MUTUAL_AUTH, FORWARD_SECRECY;

        static Option of(String parameter, String word) {
            try {
                return valueOf(word.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(SmtpTexts.badSaslSecurityOption(parameter, word));
            }
        }
    }

    /** The choice for one connection: a mechanism, or why there is none. */
    sealed interface Choice {
        record Use(Mechanism mechanism) implements Choice {
        }

        /** The filter left nothing of what the server offers. */
        record NoneCompatible() implements Choice {
        }

        /** Nothing the server offers passes the connection's security options. */
        record NoneAvailable() implements Choice {
        }
    }

    private final Set<Option> plain;
    private final Set<Option> tls;
    private final Set<Option> verified;
    private final List<String> filter;

    SaslMechanisms(Set<Option> plain, Set<Option> tls, Set<Option> verified, List<String> filter) {
        this.plain = plain;
        this.tls = tls;
        this.verified = verified;
        this.filter = List.copyOf(filter);
    }

    static SaslMechanisms of(Config config) {
        return of(config, "smtp_");
    }

    /** @param p the parameters' prefix, {@code smtp_} or {@code lmtp_} */
    static SaslMechanisms of(Config config, String p) {
        List<String> filter = new ArrayList<>();
        for (String item : config.list(p + "sasl_mechanism_filter")) {
            // A table or file in the filter is not read here: refuse it rather than filter nothing.
            if (item.contains(":") || item.contains("/")) {
                throw new ConfigException(SmtpTexts.badMechanismFilter(p + "sasl_mechanism_filter", item));
            }
            filter.add(item.toUpperCase(Locale.ROOT));
        }
        return new SaslMechanisms(options(config, p + "sasl_security_options"),
                options(config, p + "sasl_tls_security_options"),
                options(config, p + "sasl_tls_verified_security_options"), filter);
    }

    private static Set<Option> options(Config config, String parameter) {
        Set<Option> set = EnumSet.noneOf(Option.class);
        for (String word : config.list(parameter)) {
            set.add(Option.of(parameter, word));
        }
        return set;
    }

    /** The server's mechanisms that smtp_sasl_mechanism_filter lets through (Postfix's string list). */
    List<String> filtered(List<String> offered) {
        if (filter.isEmpty()) {
            return offered;
        }
        return offered.stream().filter(this::passes).toList();
    }

    private boolean passes(String mechanism) {
        String m = mechanism.toUpperCase(Locale.ROOT);
        for (String pattern : filter) {
            if (pattern.startsWith("!")) {
                if (pattern.substring(1).equals(m)) {
                    return false;
                }
            } else if (pattern.equals(m)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param offered   the words of the server's AUTH extension
     * @param encrypted whether the connection runs over TLS
     * @param verified  whether the server's certificate matched the TLS policy (verify, secure, DANE)
     */
    Choice choose(List<String> offered, boolean encrypted, boolean verified) {
        List<String> usable = filtered(offered);
        if (usable.isEmpty()) {
            return new Choice.NoneCompatible();
        }
        Set<Option> options = !encrypted ? plain : verified ? this.verified : tls;
        for (Mechanism m : Mechanism.values()) {
            if (usable.stream().anyMatch(w -> w.equalsIgnoreCase(m.word)) && allowed(m, options)) {
                return new Choice.Use(m);
            }
        }
        return new Choice.NoneAvailable();
    }

    static boolean allowed(Mechanism m, Set<Option> options) {
        return !(options.contains(Option.NOPLAINTEXT) && m.plaintext)
                && !(options.contains(Option.NOACTIVE) && !m.resistsActive)
                // Every password mechanism falls to a dictionary attack on what it sends.
                && !options.contains(Option.NODICTIONARY)
                && !(options.contains(Option.MUTUAL_AUTH) && !m.mutual)
                && !options.contains(Option.FORWARD_SECRECY);
    }

    /** The AUTH extension's words, upper-cased. */
    static List<String> words(String authExtension) {
        List<String> words = new ArrayList<>();
        for (String w : authExtension.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                words.add(w.toUpperCase(Locale.ROOT));
            }
        }
        return words;
    }

}
