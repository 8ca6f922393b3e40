package org.bulwark.mailauth;

import java.util.Locale;
import java.util.Map;

/** A DMARC policy record (RFC 7489 §6.3): only the tags that decide a message's fate. */
record DmarcRecord(Policy policy, Policy subdomainPolicy, int percent, boolean strictDkim, boolean strictSpf) {

    /** RFC 7489 §6.3 p= and sp=. */
    enum Policy {
        NONE, QUARANTINE, REJECT;

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** §6.6.4: a message left out by pct= gets the next weaker policy. */
        Policy weaker() {
            return this == REJECT ? QUARANTINE : NONE;
        }
    }

    static boolean isDmarc1(String txt) {
        return txt.strip().matches("(?s)v\\s*=\\s*DMARC1\\s*(;.*)?");
    }

    /** @throws IllegalArgumentException for a record without a valid p= */
    static DmarcRecord parse(String txt) {
        Map<String, String> tags = TagList.parse(txt);
        Policy p = policy(tags.get("p"));
        String sp = tags.get("sp");
        Policy subdomain = sp == null ? p : policy(sp);
        int pct = 100;
        String pctText = tags.get("pct");
        if (pctText != null && pctText.matches("[0-9]{1,3}")) {
            pct = Math.min(100, Integer.parseInt(pctText));
        }
        return new DmarcRecord(p, subdomain, pct, "s".equalsIgnoreCase(tags.get("adkim")),
                "s".equalsIgnoreCase(tags.get("aspf")));
    }

    private static Policy policy(String value) {
        if (value == null) {
            throw new IllegalArgumentException("no p= tag");
        }
        return Policy.valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
