package org.bulwark.mailauth;

import java.util.Locale;

/**
 * The outcome of one SPF check (RFC 7208 §2.6): the result, the explanation a {@code fail}
 * carries ("" when the domain published none, RFC 7208 §6.2), and the Received-SPF header
 * (§9.1) to add to the message.
 *
 * @param identity     which identity was checked: {@code mailfrom} or {@code helo} (§2.3, §2.4)
 * @param domain       the domain whose policy was evaluated
 * @param receivedSpf  the whole header field, {@code Received-SPF: ...}, without line end
 */
public record SpfResult(Result result, String explanation, String identity, String domain, String receivedSpf) {

    /** RFC 7208 §2.6. */
    public enum Result {
        NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

        /** The lower-case keyword of RFC 7208 §8 and RFC 8601 §2.7.2. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The explanation, or the default one of {@link MailAuthTexts#spfDefaultExplanation} for a fail without one. */
    public String explanationOrDefault() {
        return explanation.isEmpty() ? MailAuthTexts.spfDefaultExplanation(domain) : explanation;
    }
}
