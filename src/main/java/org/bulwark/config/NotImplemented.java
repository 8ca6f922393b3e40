package org.bulwark.config;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Postfix parameters Bulwark recognises but does not act on, each with what Bulwark does instead.
 * A configuration pasted from a Postfix guide loads, and every such line gets one warning naming
 * the parameter: none is ignored silently.
 */
final class NotImplemented {

    /** Where a parameter was set: some only lack an effect as a master.cf {@code -o} override. */
    enum Place { MAIN_CF, MASTER_CF }

    /**
     * One recognised but ignored parameter.
     *
     * @param name    the parameter
     * @param places  where setting it has no effect
     * @param applies for which values (e.g. only levels Bulwark does not have)
     * @param instead what Bulwark does instead, and what to do about the line
     */
    record Entry(String name, List<Place> places, Predicate<String> applies, String instead) {
    }

    private static final Predicate<String> ANY = value -> true;
    private static final List<Place> ANYWHERE = List.of(Place.MAIN_CF, Place.MASTER_CF);

    private static final List<Entry> TABLE = List.of(
            new Entry("tls_random_source", ANYWHERE, ANY,
                    "Bulwark's TLS takes its randomness from the operating system (Java's SecureRandom);"
                            + " remove the line"),
            new Entry("smtpd_tls_loglevel", ANYWHERE, NotImplemented::aboveTwo,
                    "levels above 2 log as 2 in Bulwark: the session summary and the client certificate,"
                            + " no handshake trace; debug a handshake with openssl s_client -starttls smtp"),
            new Entry("smtpd_tls_session_cache_database", ANYWHERE, ANY,
                    "Bulwark keeps TLS sessions in memory for smtpd_tls_session_cache_timeout; remove the line"),
            new Entry("smtp_tls_session_cache_database", ANYWHERE, ANY,
                    "Bulwark keeps outbound TLS sessions in memory; remove the line"),
            new Entry("header_checks", ANYWHERE, NotImplemented::notEmpty,
                    "Bulwark does not apply header_checks; reject mail by client, sender or recipient with"
                            + " smtpd_*_restrictions and access tables"),
            new Entry("body_checks", ANYWHERE, NotImplemented::notEmpty,
                    "Bulwark does not apply body_checks; reject mail by client, sender or recipient with"
                            + " smtpd_*_restrictions and access tables"),
            new Entry("biff", ANYWHERE, ANY,
                    "Bulwark never notifies a biff service; remove the line"));

    private NotImplemented() {
    }

    /** The warning text for {@code name = value} set in {@code place}, or empty when Bulwark acts on it. */
    static Optional<String> warning(String name, String value, Place place) {
        for (Entry entry : TABLE) {
            if (entry.name().equals(name) && entry.places().contains(place) && entry.applies().test(value)) {
                return Optional.of(name + " is ignored: " + entry.instead());
            }
        }
        return Optional.empty();
    }

    /** Whether the table names this parameter (its warning then replaces "unused parameter"). */
    static boolean known(String name) {
        return TABLE.stream().anyMatch(e -> e.name().equals(name));
    }

    /** Every entry, for documentation and tests. */
    static List<Entry> all() {
        return TABLE;
    }

    private static boolean aboveTwo(String value) {
        return Values.integer(value).map(level -> level > 2).orElse(false);
    }

    private static boolean notEmpty(String value) {
        return !value.isBlank();
    }
}
