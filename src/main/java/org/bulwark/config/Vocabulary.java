package org.bulwark.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every name of Postfix 3.10's configuration vocabulary (main.cf parameters, master.cf commands,
 * smtpd restrictions) with what Bulwark does with it: implemented, harmless to ignore (a warning
 * that says why), or refused at start and reload (with what to do instead). Nothing that rejects,
 * filters, routes, authenticates or decides whom to trust is ever ignored quietly. The table is
 * {@code vocabulary.txt} beside this class, one line per name; {@code postconf} and
 * {@code docs/parameters.md} are made from it.
 */
public final class Vocabulary {

    /** Which part of the configuration a name belongs to. */
    public enum Kind { PARAMETER, COMMAND, RESTRICTION }

    /** What Bulwark does with a name. */
    public sealed interface State {
    }

    /** Bulwark acts on it. */
    public record Implemented() implements State {
    }

    /** A Postfix daemon whose work Bulwark does in-process: its master.cf line loads silently. */
    public record Internal(String why) implements State {
    }

    /** Harmless to ignore: a warning that says why nothing is lost. */
    public record Ignored(String why) implements State {
    }

    /** Refused at start and reload: what would go wrong, and what to do instead. */
    public record Refused(String why, String instead) implements State {
    }

    /**
     * A delivery agent Bulwark does not have: harmless while no mail is routed to its service
     * ({@code why} says so), refused ({@code instead}) when main.cf routes mail there.
     */
    public record Unrouted(String why, String instead) implements State {
    }

    /**
     * One name.
     *
     * @param postfixDefault for a refused parameter Bulwark has no registry entry for: Postfix's
     *                       default, which like an empty value changes nothing; else null
     */
    public record Entry(Kind kind, String name, State state, String postfixDefault) {
    }

    /**
     * Per-transport parameters Postfix derives from a master.cf service name ({@code
     * relay_destination_concurrency_limit}, {@code dovecot_destination_recipient_limit}); the
     * vocabulary lists them under the service name {@code transport}, as postconf(5) does.
     */
    static final String TRANSPORT_TEMPLATE = "transport";
    /** Parameters whose name starts like a template but which are parameters of their own. */
    private static final java.util.Set<String> NOT_TEMPLATES = java.util.Set.of("transport_maps", "transport_retry_time");

    /** Reasons by key: {why} for a harmless line, {why, instead} for a refused one. */
    private static final Map<String, String[]> REASONS = new HashMap<>();
    private static final Map<Kind, Map<String, Entry>> TABLE = load();

    private Vocabulary() {
    }

    /** A main.cf parameter by its exact name (per-transport names: see {@link #perTransport}). */
    public static Optional<Entry> parameter(String name) {
        return Optional.ofNullable(TABLE.get(Kind.PARAMETER).get(name));
    }

    /** A master.cf command (the 8th column). */
    public static Optional<Entry> command(String name) {
        return Optional.ofNullable(TABLE.get(Kind.COMMAND).get(name));
    }

    /** An smtpd restriction; names are case-insensitive, as in Postfix. */
    public static Optional<Entry> restriction(String name) {
        return Optional.ofNullable(TABLE.get(Kind.RESTRICTION).get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The template entry of a per-transport name {@code service_suffix} (e.g. {@code
     * transport_delivery_slot_cost} for {@code lmtp_delivery_slot_cost}), whatever the service.
     */
    public static Optional<Entry> perTransport(String name) {
        for (Entry e : TABLE.get(Kind.PARAMETER).values()) {
            if (e.name().startsWith(TRANSPORT_TEMPLATE + "_") && !NOT_TEMPLATES.contains(e.name())) {
                String suffix = e.name().substring(TRANSPORT_TEMPLATE.length());
                if (name.endsWith(suffix) && name.length() > suffix.length()) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    /** The service a per-transport name belongs to, if it is one. */
    static Optional<String> perTransportService(String name) {
        return perTransport(name).map(e -> name.substring(0, name.length() - (e.name().length()
                - TRANSPORT_TEMPLATE.length())));
    }

    /**
     * What Bulwark does with a name, in the words of its warning or refusal ({@code NAME is
     * ignored: ...}, {@code NAME is not implemented by Bulwark: ...}); empty for an implemented one.
     */
    public static Optional<String> explain(String name, State state) {
        return switch (state) {
            case Ignored ignored -> Optional.of(ConfigTexts.ignored(name, ignored.why()));
            case Refused refused -> Optional.of(ConfigTexts.notImplemented(name, refused.why(), refused.instead()));
            case Unrouted unrouted -> Optional.of(ConfigTexts.ignored(name, unrouted.why()) + "; "
                    + ConfigTexts.routedAnyway(unrouted.instead()));
            case Implemented implemented -> Optional.empty();
            case Internal internal -> Optional.empty();
        };
    }

    /** The refusal of a restriction Bulwark does not have, as the configuration's loader words it. */
    public static String restrictionRefusal(String restriction, String parameter, Refused refused) {
        return ConfigTexts.restrictionNotImplemented(restriction, parameter, refused.why(), refused.instead());
    }

    /** Every name of a kind, sorted. */
    public static List<Entry> all(Kind kind) {
        return List.copyOf(TABLE.get(kind).values());
    }

    /** The text of a harmless-to-ignore reason that no name carries but a value rule gives. */
    static String reason(String key) {
        return known(key)[0];
    }

    /** The why and instead of a refusal that depends on more than the name (a service type). */
    static String[] refusal(String key) {
        String[] text = known(key);
        if (text.length < 2) {
            throw new IllegalStateException("vocabulary.txt: reason " + key + " has no instead");
        }
        return text;
    }

    private static String[] known(String key) {
        String[] text = REASONS.get(key);
        if (text == null) {
            throw new IllegalStateException("vocabulary.txt: no such reason " + key);
        }
        return text;
    }

    private static Map<Kind, Map<String, Entry>> load() {
        Map<String, String[]> reasons = REASONS;
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = Vocabulary.class.getResourceAsStream("vocabulary.txt")) {
            if (in == null) {
                throw new IllegalStateException("vocabulary.txt is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.split(" ", 3);
                if (words[0].equals("reason")) {
                    String[] parts = words[2].split(" \\| ", 2);
                    reasons.put(words[1], parts);
                } else {
                    rows.add(line.split(" ", 5));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Kind, Map<String, Entry>> table = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            table.put(kind, new TreeMap<>());
        }
        for (String[] row : rows) {
            Kind kind = Kind.valueOf(row[0].toUpperCase(Locale.ROOT));
            String name = row[1];
            String[] reason = row.length > 3 ? reasons.get(row[3]) : null;
            if (row.length > 3 && reason == null) {
                throw new IllegalStateException("vocabulary.txt: " + name + ": no such reason " + row[3]);
            }
            if (row[2].equals("refused") || row[2].equals("unrouted")) {
                if (reason == null || reason.length < 2) {
                    throw new IllegalStateException("vocabulary.txt: " + name + ": a refusal needs WHY | INSTEAD");
                }
            } else if (!row[2].equals("implemented") && reason == null) {
                throw new IllegalStateException("vocabulary.txt: " + name + ": " + row[2] + " needs a reason");
            }
            State state = switch (row[2]) {
                case "implemented" -> new Implemented();
                case "internal" -> new Internal(reason[0]);
                case "ignored" -> new Ignored(reason[0]);
                case "refused" -> new Refused(reason[0], reason[1]);
                case "unrouted" -> new Unrouted(reason[0], reason[1]);
                default -> throw new IllegalStateException("vocabulary.txt: " + name + ": no such state " + row[2]);
            };
            String postfixDefault = row.length > 4 && row[4].startsWith("= ") ? row[4].substring(2) : null;
            if (table.get(kind).put(name, new Entry(kind, name, state, postfixDefault)) != null) {
                throw new IllegalStateException("vocabulary.txt: " + name + " is listed twice");
            }
        }
        table.replaceAll((kind, names) -> Collections.unmodifiableMap(names));
        return Collections.unmodifiableMap(table);
    }
}
