package org.bulwark.mailauth;

import java.util.Locale;
import java.util.Map;

/**
 * A DMARC policy record (RFC 7489 §6.3): the tags that decide a message's fate, and {@code rua}
 * for aggregate reports (§7.2), as written ("" when absent).
 */
public record DmarcRecord(Policy policy, Policy subdomainPolicy, int percent, boolean strictDkim, boolean strictSpf,
                          String rua) {

    /** RFC 7489 §6.3 p= and sp=. */
    public enum Policy {
        NONE, QUARANTINE, REJECT;

        public String keyword() {
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
        String rua = tags.getOrDefault("rua", "").replaceAll("\\s+", "");
        return new DmarcRecord(p, subdomain, pct, "s".equalsIgnoreCase(tags.get("adkim")),
                "s".equalsIgnoreCase(tags.get("aspf")), rua);
    }

    /** A published TXT record read as a receiver reads it (§6.6.3); empty when it is not a valid DMARC record. */
    public static java.util.Optional<DmarcRecord> published(String txt) {
        try {
            return isDmarc1(txt) ? java.util.Optional.of(parse(txt)) : java.util.Optional.empty();
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** The alignment mode keywords of the aggregate report schema (RFC 7489 Appendix C). */
    public String adkim() {
        return strictDkim ? "s" : "r";
    }

    public String aspf() {
        return strictSpf ? "s" : "r";
    }

    private static Policy policy(String value) {
        if (value == null) {
            throw new IllegalArgumentException("no p= tag");
        }
        return Policy.valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
