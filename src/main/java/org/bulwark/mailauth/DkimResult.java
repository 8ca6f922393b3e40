package org.bulwark.mailauth;

import java.util.Locale;

/**
 * The outcome of one DKIM signature (RFC 8601 §2.7.1 result names).
 *
 * @param domain   the signature's d=, or "" when it could not be read
 * @param selector the signature's s=, or ""
 * @param shortB   the first characters of b= (RFC 6008 header.b), or ""
 * @param reason   why it did not pass, for the header comment and logs; "" for pass
 */
public record DkimResult(Result result, String domain, String selector, String shortB, String reason) {

    public enum Result {
        PASS, FAIL, NEUTRAL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean passed() {
        return result == Result.PASS;
    }
}
