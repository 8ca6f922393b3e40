package org.bulwark.cli;

import java.util.Collection;
import java.util.Locale;
import org.bulwark.config.Parameter;
import org.bulwark.config.ParameterType;

/**
 * The reference page of every main.cf parameter, in Markdown, made from the parameter registry so
 * that the page cannot say something the code does not do ({@code bulwark postconf -d --markdown}).
 */
final class ParameterReference {

    /** The page's committed place in the source tree; a test checks it against the registry. */
    static final String FILE = "docs/parameters.md";

    private ParameterReference() {
    }

    static String markdown(Collection<Parameter> parameters) {
        StringBuilder b = new StringBuilder();
        b.append("# main.cf parameters\n\n")
                .append("Every parameter Bulwark reads, with its default as `postconf -d` shows it: Postfix's default ")
                .append("for Postfix's parameters, and Bulwark's own (marked *Bulwark*) where Postfix has none. ")
                .append("Set them in main.cf as `name = value`; `$name` refers to another parameter.\n\n")
                .append("Generated from the parameter registry by `bulwark postconf -d --markdown > ").append(FILE)
                .append("`; do not edit by hand.\n\n")
                .append(parameters.size()).append(" parameters.\n\n")
                .append("| Parameter | Type | Default | Description |\n")
                .append("|---|---|---|---|\n");
        for (Parameter p : parameters) {
            b.append("| `").append(p.name()).append("` | ").append(type(p)).append(" | ").append(defaultValue(p))
                    .append(" | ").append(cell(p.doc()));
            if (!p.choices().isEmpty()) {
                b.append(" One of: ").append(String.join(", ", p.choices().stream().map(c -> "`" + c + "`").toList()))
                        .append('.');
            }
            if (p.extension()) {
                b.append(" *Bulwark*");
            }
            b.append(" |\n");
        }
        return b.toString();
    }

    private static String type(Parameter p) {
        String type = p.type().name().toLowerCase(Locale.ROOT);
        // A bare number's unit matters: "300" is five minutes for one parameter and 300 days for another.
        return p.type() == ParameterType.TIME ? type + " (bare number: " + p.defaultUnit() + ")" : type;
    }

    private static String defaultValue(Parameter p) {
        if (p.computedDefault()) {
            return "*computed from this host*";
        }
        return p.defaultValue().isEmpty() ? "*(empty)*" : "`" + cell(p.defaultValue()) + "`";
    }

    /** A table cell: a pipe would end the cell early, a newline the row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
