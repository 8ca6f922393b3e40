package org.bulwark.config;

/**
 * One entry of the parameter registry.
 *
 * @param name         the main.cf name, as Postfix spells it
 * @param type         how the value is checked and read
 * @param defaultValue the raw, unexpanded default (as {@code postconf -d} shows it); {@code null}
 *                     when the default is computed from the machine (myhostname, mynetworks)
 * @param defaultUnit  for {@link ParameterType#TIME}: the unit of a bare number (s, m, h, d, w)
 * @param doc          one line saying what the parameter does
 * @param extension    true for Bulwark's own parameters, which Postfix does not know
 * @param choices      the only values allowed (for a list: per item), or empty for any
 */
public record Parameter(String name, ParameterType type, String defaultValue, char defaultUnit, String doc,
        boolean extension, java.util.List<String> choices) {

    public Parameter {
        choices = java.util.List.copyOf(choices);
    }

    /** This parameter, accepting only the given values. */
    Parameter withChoices(String... allowed) {
        return new Parameter(name, type, defaultValue, defaultUnit, doc, extension, java.util.List.of(allowed));
    }

    /** Whether the default depends on the machine and is computed when read. */
    public boolean computedDefault() {
        return defaultValue == null;
    }
}
