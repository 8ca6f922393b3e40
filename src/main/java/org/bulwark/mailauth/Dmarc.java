package org.bulwark.mailauth;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DMARC evaluation (RFC 7489): finds the policy of the From domain or its organizational domain,
 * and passes the message when an SPF or DKIM pass is aligned with the From domain. Thread-safe.
 */
public final class Dmarc {

    private final DnsResolver dns;
    private final PublicSuffixList suffixes;
    private final IntSupplier percentile;

    /** @param percentile a number from 0 to 99 for the pct= sample (§6.6.4) */
    public Dmarc(DnsResolver dns, PublicSuffixList suffixes, IntSupplier percentile) {
        this.dns = dns;
        this.suffixes = suffixes;
        this.percentile = percentile;
    }

    public Dmarc(DnsResolver dns, PublicSuffixList suffixes) {
        this(dns, suffixes, () -> ThreadLocalRandom.current().nextInt(100));
    }

    /**
     * @param spf  the MAIL FROM (or, for the null sender, HELO) SPF result, or null when not checked
     * @param dkim every signature's result
     */
    public DmarcResult evaluate(List<HeaderField> headers, SpfResult spf, List<DkimResult> dkim) {
        List<HeaderField> froms = headers.stream().filter(h -> h.is("From")).toList();
        if (froms.size() != 1) {
            return new DmarcResult(DmarcResult.Result.PERMERROR, "", "", "none", MailAuthTexts.dmarcFromCount(froms.size()));
        }
        String from = fromDomain(froms.getFirst().value());
        if (from == null) {
            return new DmarcResult(DmarcResult.Result.PERMERROR, "", "", "none", MailAuthTexts.dmarcFromUnreadable());
        }
        String organizational = suffixes.organizationalDomain(from);
        DmarcRecord record;
        try {
            String policyDomain = from;
            record = lookup(from);
            boolean subdomain = false;
            if (record == null && !organizational.equals(from)) {
                record = lookup(organizational);
                policyDomain = organizational;
                subdomain = true;
            }
            if (record == null) {
                return new DmarcResult(DmarcResult.Result.NONE, from, "", "none", MailAuthTexts.dmarcNoRecord(from));
            }
            DmarcRecord.Policy policy = subdomain ? record.subdomainPolicy() : record.policy();
            boolean dkimAligned = dkimAligned(from, organizational, dkim, record);
            boolean spfAligned = spfAligned(from, organizational, spf, record);
            if (dkimAligned || spfAligned) {
                return new DmarcResult(DmarcResult.Result.PASS, from, policy.keyword(), "none", "",
                        new DmarcResult.Evaluation(policyDomain, record, dkimAligned, spfAligned, false));
            }
            boolean sampledOut = policy != DmarcRecord.Policy.NONE && percentile.getAsInt() >= record.percent();
            DmarcRecord.Policy disposition = sampledOut ? policy.weaker() : policy;
            return new DmarcResult(DmarcResult.Result.FAIL, from, policy.keyword(), disposition.keyword(),
                    MailAuthTexts.dmarcNotAligned(),
                    new DmarcResult.Evaluation(policyDomain, record, false, false, sampledOut));
        } catch (TemporaryFailure e) {
            return new DmarcResult(DmarcResult.Result.TEMPERROR, from, "", "none", e.getMessage());
        }
    }

    private boolean dkimAligned(String from, String organizational, List<DkimResult> dkim, DmarcRecord record) {
        for (DkimResult r : dkim) {
            if (r.passed() && aligned(r.domain(), from, organizational, record.strictDkim())) {
                return true;
            }
        }
        return false;
    }

    private boolean spfAligned(String from, String organizational, SpfResult spf, DmarcRecord record) {
        return spf != null && spf.result() == SpfResult.Result.PASS
                && aligned(spf.domain(), from, organizational, record.strictSpf());
    }

    /** §3.1: strict wants the same domain, relaxed the same organizational domain. */
    private boolean aligned(String domain, String from, String organizational, boolean strict) {
        String d = domain.toLowerCase(Locale.ROOT);
        return strict ? d.equals(from) : suffixes.organizationalDomain(d).equals(organizational);
    }

    /** §6.6.3: exactly one v=DMARC1 record counts; none, several or a broken one means none. */
    private DmarcRecord lookup(String domain) throws TemporaryFailure {
        DnsResult<Record> answer = dns.lookup("_dmarc." + domain, Type.TXT);
        if (answer.isTemporaryFailure()) {
            throw new TemporaryFailure(MailAuthTexts.dmarcDnsFailure(domain));
        }
        List<String> records = answer.values().stream().map(DkimVerifier::txt).filter(DmarcRecord::isDmarc1).toList();
        if (records.size() != 1) {
            return null;
        }
        try {
            return DmarcRecord.parse(records.getFirst());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The domain of the one address in a From field's value, lower case; null when it has none or several. */
    static String fromDomain(String value) {
        String v = value.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        v = v.replaceAll("\\([^()]*\\)", " ");
        int lt = v.lastIndexOf('<');
        if (lt >= 0) {
            int gt = v.indexOf('>', lt);
            v = v.substring(lt + 1, gt < 0 ? v.length() : gt);
        }
        v = v.strip();
        int at = v.lastIndexOf('@');
        if (at < 0 || v.indexOf('@') != at || v.contains(",")) {
            return null;
        }
        String domain = v.substring(at + 1).strip().toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return domain.matches("[a-z0-9_-]+(\\.[a-z0-9_-]+)+") ? domain : null;
    }

    private static final class TemporaryFailure extends Exception {
        TemporaryFailure(String message) {
            super(message, null, false, false);
        }
    }
}
