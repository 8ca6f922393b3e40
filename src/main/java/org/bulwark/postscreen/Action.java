package org.bulwark.postscreen;

import java.util.Locale;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;

/** What postscreen does with a client that failed a test (postscreen_*_action). */
enum Action {
    /** Count the failure in the log only; the client may still pass the other tests. */
    IGNORE,
    /** Go on with the other tests, then refuse every recipient with a 550 reply. */
    ENFORCE,
    /** Say 521 and hang up. */
    DROP;

    static Action of(Config config, String parameter) {
        String value = config.get(parameter).strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "ignore" -> IGNORE;
            case "enforce" -> ENFORCE;
            case "drop" -> DROP;
            default -> throw new ConfigException(PostscreenTexts.badAction(parameter, value)).locatedIn(config);
        };
    }
}
