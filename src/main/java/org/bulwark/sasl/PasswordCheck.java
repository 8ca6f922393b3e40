package org.bulwark.sasl;

import java.util.List;
import java.util.Locale;

/**
 * Checks a user name and password for the plaintext mechanisms: answers {@link SaslStep.Success},
 * {@link SaslStep.Failure} or {@link SaslStep.Unavailable}. PLAIN and LOGIN run the same way for
 * every backend that checks a password, so they are started here.
 */
@FunctionalInterface
interface PasswordCheck {

    /** PLAIN and LOGIN, which send the password in the clear. */
    List<SaslBackend.Mechanism> MECHANISMS = List.of(
            new SaslBackend.Mechanism("PLAIN", true, false), new SaslBackend.Mechanism("LOGIN", true, false));

    SaslStep check(String username, String password);

    /** A PLAIN or LOGIN exchange that asks this check. */
    default SaslExchange exchange(String mechanism) {
        return switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> new PlainExchange(this);
            case "LOGIN" -> new LoginExchange(this);
            default -> throw new IllegalArgumentException(SaslTexts.unknownMechanism(mechanism));
        };
    }
}
