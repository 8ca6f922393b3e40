package org.bulwark.mailauth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** One run of check_host() (RFC 7208 §4) with its lookup counters; not thread-safe, used once. */
final class SpfEvaluation {

    /** RFC 7208 §4.6.4: at most 10 mechanisms and modifiers that query DNS. */
    static final int LOOKUP_LIMIT = 10;
    /** RFC 7208 §4.6.4: at most 2 lookups that find nothing. */
    static final int VOID_LOOKUP_LIMIT = 2;
    /** RFC 7208 §4.6.4: MX and PTR look at no more than 10 names. */
    static final int NAME_LIMIT = 10;
    private static final int MAX_DOMAIN = 253;

    record Outcome(SpfResult.Result result, String explanation, String detail) {
    }

    /** Ends the evaluation with a temperror or permerror (§2.6.6, §2.6.7). */
    private static final class Abort extends Exception {
        final SpfResult.Result result;

        Abort(SpfResult.Result result, String message) {
            super(message, null, false, false);
            this.result = result;
        }
    }

    private final DnsResolver dns;
    private final InetAddress client;
    private final String helo;
    private final String localPart;
    private final String senderDomain;
    private final String sender;
    private final String receiver;
    private int lookups;
    private int voidLookups;
    private String validatedName;

    SpfEvaluation(DnsResolver dns, InetAddress client, String helo, String localPart, String senderDomain,
                  String sender, String receiver) {
        this.dns = dns;
        this.client = client;
        this.helo = helo;
        this.localPart = localPart;
        this.senderDomain = senderDomain;
        this.sender = sender;
        this.receiver = receiver;
    }

    Outcome run() {
        try {
            return checkHost(senderDomain);
        } catch (Abort e) {
            return new Outcome(e.result, "", e.getMessage());
        }
    }

    /** check_host() for one domain (§4). */
    private Outcome checkHost(String domain) throws Abort {
        if (!isValidDomain(domain)) {
            return new Outcome(SpfResult.Result.NONE, "", MailAuthTexts.spfBadDomain(domain));
        }
        List<String> txts;
        DnsResult<Record> answer = dns.lookup(domain, Type.TXT);
        if (answer.isTemporaryFailure()) {
            throw new Abort(SpfResult.Result.TEMPERROR, MailAuthTexts.spfDnsFailure(domain));
        }
        txts = answer.values().stream().map(SpfEvaluation::txt).filter(SpfRecord::isSpf1).toList();
        if (txts.isEmpty()) {
            return new Outcome(SpfResult.Result.NONE, "", MailAuthTexts.spfNoRecord(domain));
        }
        if (txts.size() > 1) {
            throw new Abort(SpfResult.Result.PERMERROR, MailAuthTexts.spfTwoRecords(domain));
        }
        SpfRecord record;
        try {
            record = SpfRecord.parse(txts.getFirst());
        } catch (SpfRecord.SyntaxException e) {
            throw new Abort(SpfResult.Result.PERMERROR, MailAuthTexts.spfSyntax(domain, e.getMessage()));
        }
        for (SpfRecord.Directive directive : record.directives()) {
            if (matches(directive, domain)) {
                SpfResult.Result result = directive.qualifier();
                String explanation = result == SpfResult.Result.FAIL && record.explanation() != null
                        ? explanation(record.explanation(), domain) : "";
                return new Outcome(result, explanation, MailAuthTexts.spfMatched(domain, directive.mechanism()));
            }
        }
        if (record.redirect() != null) {
            count();
            String target = target(record.redirect(), domain);
            Outcome redirected = checkHost(target);
            if (redirected.result() == SpfResult.Result.NONE) {
                throw new Abort(SpfResult.Result.PERMERROR, MailAuthTexts.spfRedirectNone(target));
            }
            return redirected;
        }
        return new Outcome(SpfResult.Result.NEUTRAL, "", MailAuthTexts.spfDefaultNeutral(domain));
    }

    private boolean matches(SpfRecord.Directive d, String domain) throws Abort {
        return switch (d.mechanism()) {
            case ALL -> true;
            case IP4, IP6 -> inNetwork(client.getAddress(), d.network(),
                    d.mechanism() == SpfRecord.Mechanism.IP4 ? d.cidr4() : d.cidr6());
            case A -> {
                count();
                String target = target(d.domainSpec(), domain);
                yield matchesAddresses(target, d, true);
            }
            case MX -> {
                count();
                yield matchesMx(target(d.domainSpec(), domain), d);
            }
            case PTR -> {
                count();
                yield matchesPtr(target(d.domainSpec(), domain));
            }
            case EXISTS -> {
                count();
                String target = target(d.domainSpec(), domain);
                // §5.7: always an A query, whatever the client's address family.
                DnsResult<Record> r = dns.lookup(target, Type.A);
                yield !addressesOrVoid(r, target).isEmpty();
            }
            case INCLUDE -> {
                count();
                String target = target(d.domainSpec(), domain);
                Outcome inner = checkHost(target);
                yield switch (inner.result()) {
                    case PASS -> true;
                    case FAIL, SOFTFAIL, NEUTRAL -> false;
                    case TEMPERROR -> throw new Abort(SpfResult.Result.TEMPERROR, inner.detail());
                    case PERMERROR -> throw new Abort(SpfResult.Result.PERMERROR, inner.detail());
                    case NONE -> throw new Abort(SpfResult.Result.PERMERROR, MailAuthTexts.spfIncludeNone(target));
                };
            }
        };
    }

    private boolean matchesAddresses(String target, SpfRecord.Directive d, boolean countVoid) throws Abort {
        int type = client instanceof Inet4Address ? Type.A : Type.AAAA;
        DnsResult<Record> r = dns.lookup(target, type);
        List<byte[]> addresses = countVoid ? addressesOrVoid(r, target) : addresses(r, target);
        int prefix = client instanceof Inet4Address ? d.cidr4() : d.cidr6();
        for (byte[] a : addresses) {
            if (inNetwork(client.getAddress(), a, prefix)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesMx(String target, SpfRecord.Directive d) throws Abort {
        DnsResult<Record> r = dns.lookup(target, Type.MX);
        if (r.isTemporaryFailure()) {
            throw new Abort(SpfResult.Result.TEMPERROR, MailAuthTexts.spfDnsFailure(target));
        }
        if (!r.isFound()) {
            countVoid();
            return false;
        }
        if (r.values().size() > NAME_LIMIT) {
            throw new Abort(SpfResult.Result.PERMERROR, MailAuthTexts.spfTooManyNames(target));
        }
        for (Record record : r.values()) {
            String host = stripDot(((MXRecord) record).getTarget().toString());
            if (!host.isEmpty() && matchesAddresses(host, d, false)) {
                return true;
            }
        }
        return false;
    }

    /** §5.5: a DNS error in the PTR lookup is no match, not an error. */
    private boolean matchesPtr(String target) throws Abort {
        String suffix = "." + target.toLowerCase(Locale.ROOT);
        for (String name : validatedNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals(target.toLowerCase(Locale.ROOT)) || lower.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** The client's PTR names whose addresses include the client (§5.5), at most 10 looked at. */
    private List<String> validatedNames() throws Abort {
        DnsResult<Record> ptr = dns.lookup(ReverseMap.fromAddress(client).toString(), Type.PTR);
        if (ptr instanceof DnsResult.NotFound<Record>) {
            countVoid();
        }
        List<String> out = new ArrayList<>();
        int type = client instanceof Inet4Address ? Type.A : Type.AAAA;
        List<Record> names = ptr.values();
        for (Record record : names.subList(0, Math.min(NAME_LIMIT, names.size()))) {
            String name = stripDot(((PTRRecord) record).getTarget().toString());
            for (Record a : dns.lookup(name, type).values()) {
                if (java.util.Arrays.equals(addressOf(a), client.getAddress())) {
                    out.add(name);
                    break;
                }
            }
        }
        return out;
    }

    /** §7.3 {@code %{p}}: a validated name, preferring one within the domain; {@code unknown} otherwise. */
    private String validatedName(String domain) {
        if (validatedName == null) {
            try {
                List<String> names = validatedNames();
                String suffix = "." + domain.toLowerCase(Locale.ROOT);
                validatedName = names.stream()
                        .filter(n -> n.equalsIgnoreCase(domain) || n.toLowerCase(Locale.ROOT).endsWith(suffix))
                        .findFirst()
                        .orElse(names.isEmpty() ? "unknown" : names.getFirst());
            } catch (Abort e) {
                validatedName = "unknown";
            }
        }
        return validatedName;
    }

    private List<byte[]> addressesOrVoid(DnsResult<Record> r, String target) throws Abort {
        List<byte[]> out = addresses(r, target);
        if (out.isEmpty()) {
            countVoid();
        }
        return out;
    }

    private List<byte[]> addresses(DnsResult<Record> r, String target) throws Abort {
        if (r.isTemporaryFailure()) {
            throw new Abort(SpfResult.Result.TEMPERROR, MailAuthTexts.spfDnsFailure(target));
        }
        return r.values().stream().map(SpfEvaluation::addressOf).toList();
    }

    private static byte[] addressOf(Record r) {
        return switch (r) {
            case ARecord a -> a.getAddress().getAddress();
            case AAAARecord a -> a.getAddress().getAddress();
            default -> new byte[0];
        };
    }

    private String explanation(String spec, String domain) {
        try {
            String target = target(spec, domain);
            DnsResult<Record> r = dns.lookup(target, Type.TXT);
            if (r.values().size() != 1) {
                return "";
            }
            String text = txt(r.values().getFirst());
            return SpfMacro.expand(text, context(domain), true);
        } catch (Abort | IllegalArgumentException e) {
            // §6.2: any trouble with the explanation leaves the default one.
            return "";
        }
    }

    /** Expands a domain-spec and shortens it to 253 characters by dropping labels from the left (§7.3). */
    private String target(String spec, String domain) throws Abort {
        if (spec == null) {
            return domain;
        }
        String expanded;
        try {
            expanded = SpfMacro.expand(spec, context(domain), false);
        } catch (IllegalArgumentException e) {
            throw new Abort(SpfResult.Result.PERMERROR, MailAuthTexts.spfSyntax(domain, e.getMessage()));
        }
        expanded = stripDot(expanded);
        while (expanded.length() > MAX_DOMAIN && expanded.indexOf('.') >= 0) {
            expanded = expanded.substring(expanded.indexOf('.') + 1);
        }
        return expanded;
    }

    private SpfMacro.Context context(String domain) {
        return new SpfMacro.Context(sender, localPart, senderDomain, domain, client, helo, receiver,
                () -> validatedName(domain));
    }

    private void count() throws Abort {
        if (++lookups > LOOKUP_LIMIT) {
            throw new Abort(SpfResult.Result.PERMERROR, MailAuthTexts.spfTooManyLookups());
        }
    }

    private void countVoid() throws Abort {
        if (++voidLookups > VOID_LOOKUP_LIMIT) {
            throw new Abort(SpfResult.Result.PERMERROR, MailAuthTexts.spfTooManyVoidLookups());
        }
    }

    /** §4.3: labels of 1 to 63 characters, at least two of them, no domain literal. */
    static boolean isValidDomain(String domain) {
        if (domain.isEmpty() || domain.length() > MAX_DOMAIN || domain.startsWith("[")) {
            return false;
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return true;
    }

    static boolean inNetwork(byte[] address, byte[] network, int prefix) {
        if (address.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** A TXT record's strings joined (§3.3), each byte one character so non-ASCII shows as such. */
    private static String txt(Record r) {
        StringBuilder out = new StringBuilder();
        for (byte[] s : ((TXTRecord) r).getStringsAsByteArrays()) {
            out.append(new String(s, StandardCharsets.ISO_8859_1));
        }
        return out.toString();
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
