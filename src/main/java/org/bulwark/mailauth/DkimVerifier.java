package org.bulwark.mailauth;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Verifies every DKIM signature of a message (RFC 6376 §6), both algorithms and both
 * canonicalizations, keys from DNS. Thread-safe; each message gets its own {@link Verification}.
 */
public final class DkimVerifier {

    /** More signatures than this are not looked at: each costs a DNS query. */
    static final int MAX_SIGNATURES = 10;

    private final DnsResolver dns;
    private final LongSupplier clock;

    /** @param clock seconds since the epoch, for x= */
    public DkimVerifier(DnsResolver dns, LongSupplier clock) {
        this.dns = dns;
        this.clock = clock;
    }

    public DkimVerifier(DnsResolver dns) {
        this(dns, () -> System.currentTimeMillis() / 1000);
    }

    /** Starts verifying a message whose header fields are known; the body follows. */
    public Verification start(List<HeaderField> headers) {
        return new Verification(headers);
    }

    /** Verifies a whole message held in memory (tests, small tools). */
    public List<DkimResult> verify(byte[] message) {
        Verification v = start(MessageHeaders.of(message));
        int body = MessageHeaders.bodyOffset(message);
        v.body().write(message, body, message.length - body);
        return v.finish();
    }

    /** One message: write its body to {@link #body()}, then {@link #finish()}. */
    public final class Verification {

        private final List<HeaderField> headers;
        private final List<Object> signatures = new ArrayList<>();
        private final List<DkimBodyHash> hashes = new ArrayList<>();

        private Verification(List<HeaderField> headers) {
            this.headers = List.copyOf(headers);
            for (HeaderField f : headers) {
                if (!f.is("DKIM-Signature") || signatures.size() >= MAX_SIGNATURES) {
                    continue;
                }
                try {
                    DkimSignature s = DkimSignature.parse(f);
                    signatures.add(s);
                    hashes.add(new DkimBodyHash(s.bodyCanonicalization(), s.length()));
                } catch (DkimSignature.InvalidException e) {
                    signatures.add(new DkimResult(DkimResult.Result.PERMERROR, domainOf(f), "", "",
                            MailAuthTexts.dkimBadSignature(e.getMessage())));
                    hashes.add(null);
                }
            }
        }

        /** Takes the body, with LF or CRLF line ends. */
        public Body body() {
            return new Body(hashes);
        }

        /** One result per signature, in header order; empty for an unsigned message. */
        public List<DkimResult> finish() {
            List<DkimResult> results = new ArrayList<>();
            for (int i = 0; i < signatures.size(); i++) {
                results.add(signatures.get(i) instanceof DkimSignature s ? check(s, hashes.get(i).digest())
                        : (DkimResult) signatures.get(i));
            }
            return results;
        }

        private DkimResult check(DkimSignature s, byte[] bodyHash) {
            if (s.expiry() >= 0 && clock.getAsLong() > s.expiry()) {
                return result(s, DkimResult.Result.PERMERROR, MailAuthTexts.dkimExpired());
            }
            if (!Arrays.equals(bodyHash, s.bodyHash())) {
                return result(s, DkimResult.Result.FAIL, MailAuthTexts.dkimBodyHash());
            }
            DnsResult<Record> answer = dns.lookup(s.keyName(), Type.TXT);
            if (answer.isTemporaryFailure()) {
                return result(s, DkimResult.Result.TEMPERROR, MailAuthTexts.dkimKeyUnavailable(s.keyName()));
            }
            if (!answer.isFound()) {
                return result(s, DkimResult.Result.PERMERROR, MailAuthTexts.dkimNoKey(s.keyName()));
            }
            DkimKey key = DkimKey.parse(txt(answer.values().getFirst()), s.algorithm());
            if (!key.usable()) {
                return result(s, DkimResult.Result.PERMERROR, key.problem());
            }
            byte[] data = DkimHeaderHash.signedData(headers, s.signedHeaders(), s.headerCanonicalization(), s.field());
            return DkimHeaderHash.verify(s.algorithm(), key.key(), data, s.signature())
                    ? result(s, DkimResult.Result.PASS, "")
                    : result(s, DkimResult.Result.FAIL, MailAuthTexts.dkimBadSignatureData());
        }
    }

    /** The body of one message, fanned out to each signature's body hash. */
    public static final class Body extends OutputStream {

        private final List<DkimBodyHash> hashes;

        private Body(List<DkimBodyHash> hashes) {
            this.hashes = hashes;
        }

        @Override
        public void write(int b) {
            for (DkimBodyHash h : hashes) {
                if (h != null) {
                    h.write(b);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (DkimBodyHash h : hashes) {
                if (h != null) {
                    h.write(b, off, len);
                }
            }
        }
    }

    private static DkimResult result(DkimSignature s, DkimResult.Result result, String reason) {
        return new DkimResult(result, s.domain(), s.selector(), s.shortB(), reason);
    }

    /** The d= of a signature that failed to parse, when it can still be read. */
    private static String domainOf(HeaderField f) {
        for (String part : f.value().split(";")) {
            String p = part.strip();
            if (p.startsWith("d=")) {
                return p.substring(2).strip().toLowerCase(java.util.Locale.ROOT);
            }
        }
        return "";
    }

    static String txt(Record r) {
        StringBuilder out = new StringBuilder();
        for (byte[] s : ((TXTRecord) r).getStringsAsByteArrays()) {
            out.append(new String(s, StandardCharsets.ISO_8859_1));
        }
        return out.toString();
    }
}
