package org.bulwark.mailauth.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One evaluated message in the DMARC history file: one line of tab-separated fields, so a line
 * torn by a crash is recognised by its missing line end or field count (OpenDMARC's history file
 * has one record per message for the same reason).
 *
 * @param time         arrival, seconds since the epoch
 * @param policy       the published record's tags as the report shows them
 * @param disposition  what this server did: none, quarantine or reject (RFC 7489 §7.2.1.1)
 * @param dkimAligned  pass or fail: whether an aligned DKIM signature passed
 * @param spfAligned   pass or fail: whether SPF passed for an aligned domain
 * @param reason       the policy override type when the disposition is not the policy's (sampled_out, local_policy), or ""
 * @param dkim         every signature's domain, selector and result
 * @param envelopeFrom the envelope sender's domain, "" for the null sender
 */
public record HistoryLine(long time, String sourceIp, String headerFrom, Policy policy, String disposition,
                          String dkimAligned, String spfAligned, String reason, List<Signature> dkim,
                          String spfDomain, String spfScope, String spfResult, String envelopeFrom) {

    private static final String MAGIC = "dmarc1";
    private static final int FIELDS = 21;

    /** The published record (policy_published): p, sp, pct, adkim, aspf and the rua list as written. */
    public record Policy(String domain, String p, String sp, int pct, String adkim, String aspf, String rua) {
    }

    /** One DKIM signature's outcome (auth_results/dkim). */
    public record Signature(String domain, String selector, String result) {
    }

    public HistoryLine {
        dkim = List.copyOf(dkim);
    }

    /** The line, with its line end. */
    String format() {
        List<String> f = new ArrayList<>(List.of(MAGIC, Long.toString(time), sourceIp, headerFrom, policy.domain(),
                policy.p(), policy.sp(), Integer.toString(policy.pct()), policy.adkim(), policy.aspf(), policy.rua(),
                disposition, dkimAligned, spfAligned, reason, signatures(), spfDomain, spfScope, spfResult, envelopeFrom));
        f.add("end");
        StringBuilder b = new StringBuilder();
        for (String field : f) {
            if (!b.isEmpty()) {
                b.append('\t');
            }
            b.append(clean(field));
        }
        return b.append('\n').toString();
    }

    private String signatures() {
        if (dkim.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (Signature s : dkim) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(word(s.domain())).append('/').append(word(s.selector())).append('/').append(word(s.result()));
        }
        return b.toString();
    }

    /** Values come from DNS and from the client: no tab or line end may split a line. */
    private static String clean(String value) {
        return value == null || value.isEmpty() ? "-" : value.replaceAll("[\\p{Cntrl}]", "?");
    }

    private static String word(String value) {
        return value == null || value.isEmpty() ? "-" : value.replaceAll("[\\p{Cntrl}\\s/]", "?");
    }

    /**
     * Reads one line (without its line end).
     *
     * @throws IllegalArgumentException for a line that is not whole
     */
    static HistoryLine parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != FIELDS || !f[0].equals(MAGIC) || !f[FIELDS - 1].equals("end")) {
            throw new IllegalArgumentException("not a whole history line");
        }
        try {
            List<Signature> dkim = new ArrayList<>();
            if (!f[15].equals("-")) {
                for (String item : f[15].split(" ")) {
                    String[] parts = item.split("/", -1);
                    if (parts.length != 3) {
                        throw new IllegalArgumentException("bad DKIM item");
                    }
                    dkim.add(new Signature(value(parts[0]), value(parts[1]), value(parts[2])));
                }
            }
            Policy policy = new Policy(value(f[4]), value(f[5]), value(f[6]), Integer.parseInt(f[7]), value(f[8]),
                    value(f[9]), value(f[10]));
            return new HistoryLine(Long.parseLong(f[1]), value(f[2]), value(f[3]).toLowerCase(Locale.ROOT), policy,
                    value(f[11]), value(f[12]), value(f[13]), value(f[14]), dkim, value(f[16]), value(f[17]),
                    value(f[18]), value(f[19]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in history line", e);
        }
    }

    private static String value(String field) {
        return field.equals("-") ? "" : field;
    }
}
