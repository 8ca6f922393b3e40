package org.bulwark.mailauth;

import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Signs messages (RFC 6376 §5, RFC 8463). The header list signs only the fields present, each
 * instance once, plus one more {@code from} so that no From can be added later (over-signing,
 * RFC 6376 §8.15). Never sets {@code l=}. Thread-safe.
 */
public final class DkimSigner {

    /** OpenDKIM's kind of default list: the fields a reader sees, and the MIME ones. */
    public static final List<String> DEFAULT_HEADERS = List.of("from", "reply-to", "subject", "date", "to", "cc",
            "message-id", "in-reply-to", "references", "mime-version", "content-type",
            "content-transfer-encoding");

    /** Folded lines stay within this many characters. */
    private static final int WIDTH = 59;

    private final DkimCanonicalization headerCanonicalization;
    private final DkimCanonicalization bodyCanonicalization;
    private final List<String> headerNames;

    public DkimSigner(DkimCanonicalization header, DkimCanonicalization body, List<String> headerNames) {
        this.headerCanonicalization = header;
        this.bodyCanonicalization = body;
        this.headerNames = headerNames.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** relaxed/relaxed with {@link #DEFAULT_HEADERS}. */
    public static DkimSigner withDefaults() {
        return new DkimSigner(DkimCanonicalization.RELAXED, DkimCanonicalization.RELAXED, DEFAULT_HEADERS);
    }

    /** A body hash in progress: write the body (LF or CRLF line ends), then {@link #sign}. */
    public OutputStream bodyHash() {
        return new DkimBodyHash(bodyCanonicalization, -1);
    }

    /**
     * The DKIM-Signature field (folded with CRLF, no final CRLF) for a message whose headers are
     * given and whose body went through {@code bodyHash}.
     *
     * @param time seconds since the epoch, for {@code t=}
     */
    public String sign(DkimSigningKey key, List<HeaderField> headers, OutputStream bodyHash, long time)
            throws GeneralSecurityException {
        List<String> names = new ArrayList<>();
        for (HeaderField f : headers) {
            if (headerNames.contains(f.lowerName())) {
                names.add(f.lowerName());
            }
        }
        names.add("from");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("v", "1");
        tags.put("a", key.algorithm().keyword());
        tags.put("c", headerCanonicalization.keyword() + "/" + bodyCanonicalization.keyword());
        tags.put("d", key.domain());
        tags.put("s", key.selector());
        tags.put("t", Long.toString(time));
        return sign(key, headers, names, ((DkimBodyHash) bodyHash).digest(), tags);
    }

    /**
     * Signs with the tags given, in their order, then h=, bh= and b=; folded as {@link #fold}.
     * The same tags, headers and key give the same field byte for byte.
     */
    String sign(DkimSigningKey key, List<HeaderField> headers, List<String> names, byte[] bodyHash,
                Map<String, String> tags) throws GeneralSecurityException {
        Map<String, String> all = new LinkedHashMap<>(tags);
        all.put("h", String.join(" : ", names));
        all.put("bh", Base64.getEncoder().encodeToString(bodyHash));
        String unsigned = fold(all, "");
        byte[] data = DkimHeaderHash.signedData(headers, names, headerCanonicalization, HeaderField.of(unsigned));
        byte[] b = DkimHeaderHash.sign(key.algorithm(), key.privateKey(), data);
        return fold(all, Base64.getEncoder().encodeToString(b));
    }

    /**
     * Folds the field to lines of at most {@value #WIDTH} characters: whole tags where they fit,
     * h= between header names, b= on lines of its own.
     */
    static String fold(Map<String, String> tags, String b) {
        List<String> units = new ArrayList<>();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().equals("h")) {
                String[] names = tag.getValue().split(" : ");
                for (int i = 0; i < names.length; i++) {
                    String name = i == 0 ? "h=" + names[i] : names[i];
                    units.add(i == names.length - 1 ? name + ";" : name + " :");
                }
            } else {
                units.add(tag.getKey() + "=" + tag.getValue() + ";");
            }
        }
        StringBuilder out = new StringBuilder("DKIM-Signature:");
        int line = out.length();
        for (String unit : units) {
            if (line + 1 + unit.length() > WIDTH) {
                out.append("\r\n");
                line = 0;
            }
            out.append(' ').append(unit);
            line += 1 + unit.length();
        }
        out.append("\r\n b=");
        line = 3;
        for (int i = 0; i < b.length(); ) {
            int n = Math.min(WIDTH - line, b.length() - i);
            out.append(b, i, i + n);
            i += n;
            if (i < b.length()) {
                out.append("\r\n ");
                line = 1;
            }
        }
        return out.toString();
    }
}
