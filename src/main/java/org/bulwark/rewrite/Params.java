package org.bulwark.rewrite;

import org.bulwark.config.Config;

/**
 * Reads a parameter with Postfix's default when the configuration has none, so this package
 * behaves the same whether or not the configuration carries Postfix's defaults itself.
 */
final class Params {

    private Params() {
    }

    static String get(Config config, String name, String postfixDefault) {
        String value = config.get(name);
        return value.isEmpty() && !config.isSet(name) ? postfixDefault : value;
    }

    static boolean bool(Config config, String name, boolean postfixDefault) {
        String value = get(config, name, postfixDefault ? "yes" : "no").trim();
        return value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("true");
    }

    static int integer(Config config, String name, int postfixDefault) {
        String value = get(config, name, Integer.toString(postfixDefault)).trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return postfixDefault;
        }
    }
}
