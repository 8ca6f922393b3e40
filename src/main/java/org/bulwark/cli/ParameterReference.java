package org.bulwark.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import org.bulwark.config.Parameter;
import org.bulwark.config.ParameterType;
import org.bulwark.config.Parameters;
import org.bulwark.config.Vocabulary;

/**
 * The reference page of every main.cf parameter of Postfix 3.10 and Bulwark, every master.cf
 * command and every smtpd restriction, with what Bulwark does with each, in Markdown, made from
 * the parameter registry and the vocabulary so that the page cannot say something the code does
 * not do ({@code bulwark postconf -d --markdown}).
 */
final class ParameterReference {

    /** The page's committed place in the source tree; a test checks it against the registry. */
    static final String FILE = "docs/parameters.md";

    private ParameterReference() {
    }

    /** One parameter row: the registry's entry (null if Bulwark does not read it) and the vocabulary's. */
    private record Row(Parameter parameter, Vocabulary.Entry entry) {
    }

    static String markdown() {
        TreeMap<String, Row> rows = new TreeMap<>();
        for (Vocabulary.Entry e : Vocabulary.all(Vocabulary.Kind.PARAMETER)) {
            rows.put(e.name(), new Row(Parameters.find(e.name()).orElse(null), e));
        }
        for (Parameter p : Parameters.all()) {
            rows.putIfAbsent(p.name(), new Row(p, Vocabulary.parameter(p.name()).orElse(null)));
        }
        StringBuilder b = new StringBuilder();
        b.append("# main.cf parameters, master.cf commands and restrictions\n\n")
                .append("Every parameter of Postfix 3.10 and Bulwark's own (marked *Bulwark*), with what Bulwark does ")
                .append("with it: **implemented**, with its default as `postconf -d` shows it (Postfix's default for ")
                .append("Postfix's parameters); **ignored**, a warning with file:line that says why nothing is lost; or ")
                .append("**refused**: `bulwark start` and `bulwark reload` stop with file:line, why it matters and what to ")
                .append("use instead, unless the line sets it empty or to Postfix's default. ")
                .append("Set them in main.cf as `name = value`; `$name` refers to another parameter. A name that starts ")
                .append("with `transport_` stands for each master.cf service name (`relay_destination_concurrency_limit`).\n\n")
                .append("Generated from the parameter registry and the vocabulary by `bulwark postconf -d --markdown > ")
                .append(FILE).append("`; do not edit by hand.\n\n")
                .append(rows.size()).append(" parameters: ").append(count(rows, "implemented")).append(" implemented, ")
                .append(count(rows, "ignored")).append(" ignored, ").append(count(rows, "refused")).append(" refused.\n\n")
                .append("| Parameter | State | Type | Default | Description |\n")
                .append("|---|---|---|---|---|\n");
        for (Row row : rows.values()) {
            Parameter p = row.parameter();
            String name = p != null ? p.name() : row.entry().name();
            b.append("| `").append(name).append("` | ").append(state(row)).append(" | ")
                    .append(p == null ? "" : type(p)).append(" | ").append(defaultValue(row)).append(" | ")
                    .append(description(row)).append(" |\n");
        }
        names(b, "master.cf commands", "Command", Vocabulary.Kind.COMMAND,
                "The programs a master.cf service line may run (the eighth column). *internal*: a Postfix daemon whose "
                        + "work Bulwark does in-process; the line loads silently. A command not listed is refused.");
        names(b, "smtpd restrictions", "Restriction", Vocabulary.Kind.RESTRICTION,
                "The names smtpd_*_restrictions, restriction classes and access table results may use. A refused one "
                        + "stops the load; none is skipped when mail arrives.");
        return b.toString();
    }

    private static void names(StringBuilder b, String title, String column, Vocabulary.Kind kind, String intro) {
        b.append("\n## ").append(title).append("\n\n").append(intro).append("\n\n")
                .append("| ").append(column).append(" | State | What Bulwark does |\n|---|---|---|\n");
        for (Vocabulary.Entry e : Vocabulary.all(kind)) {
            b.append("| `").append(e.name()).append("` | ").append(word(e.state())).append(" | ")
                    .append(cell(text(e.state()))).append(" |\n");
        }
    }

    private static long count(TreeMap<String, Row> rows, String state) {
        return rows.values().stream().filter(r -> state(r).equals(state)).count();
    }

    private static String state(Row row) {
        return row.entry() == null ? "implemented" : word(row.entry().state());
    }

    private static String word(Vocabulary.State state) {
        return switch (state) {
            case Vocabulary.Implemented i -> "implemented";
            case Vocabulary.Internal i -> "internal";
            case Vocabulary.Ignored i -> "ignored";
            case Vocabulary.Refused r -> "refused";
            case Vocabulary.Unrouted u -> "ignored unless routed to";
        };
    }

    private static String text(Vocabulary.State state) {
        return switch (state) {
            case Vocabulary.Implemented i -> "";
            case Vocabulary.Internal i -> i.why();
            case Vocabulary.Ignored i -> i.why();
            case Vocabulary.Refused r -> r.why() + ". Instead: " + r.instead();
            case Vocabulary.Unrouted u -> u.why() + ". Mail routed to it is refused at load: " + u.instead();
        };
    }

    private static String description(Row row) {
        StringBuilder d = new StringBuilder();
        Parameter p = row.parameter();
        if (p != null) {
            d.append(cell(p.doc()));
            if (!p.choices().isEmpty()) {
                d.append(" One of: ").append(String.join(", ", p.choices().stream().map(c -> "`" + c + "`").toList()))
                        .append('.');
            }
            if (p.extension()) {
                d.append(" *Bulwark*");
            }
        }
        String why = row.entry() == null ? "" : text(row.entry().state());
        if (!why.isEmpty()) {
            d.append(d.isEmpty() ? "" : " — ").append(cell(why));
        }
        if (p == null && why.isEmpty()) {
            d.append("per master.cf service: `<service>").append(row.entry().name().substring("transport".length()))
                    .append("` for the transport of that name");
        }
        return d.toString();
    }

    private static String type(Parameter p) {
        String type = p.type().name().toLowerCase(Locale.ROOT);
        // A bare number's unit matters: "300" is five minutes for one parameter and 300 days for another.
        return p.type() == ParameterType.TIME ? type + " (bare number: " + p.defaultUnit() + ")" : type;
    }

    private static String defaultValue(Row row) {
        Parameter p = row.parameter();
        if (p == null) {
            if (!(row.entry().state() instanceof Vocabulary.Refused)) {
                return "";
            }
            return Optional.ofNullable(row.entry().postfixDefault()).map(d -> "`" + cell(d) + "`").orElse("*(empty)*");
        }
        if (p.computedDefault()) {
            return "*computed from this host*";
        }
        return p.defaultValue().isEmpty() ? "*(empty)*" : "`" + cell(p.defaultValue()) + "`";
    }

    /** A table cell: a pipe would end the cell early, a newline the row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** For tests: the names the parameter table has rows for. */
    static List<String> parameterNames() {
        TreeMap<String, Boolean> names = new TreeMap<>();
        Vocabulary.all(Vocabulary.Kind.PARAMETER).forEach(e -> names.put(e.name(), true));
        Parameters.all().forEach(p -> names.put(p.name(), true));
        return List.copyOf(names.keySet());
    }
}
