package org.bulwark.mailauth;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed DKIM-Signature header field (RFC 6376 §3.5), checked as §6.1.1 asks before any key
 * is fetched.
 *
 * @param length    {@code l=}, or -1 when the whole body is signed
 * @param timestamp {@code t=}, or -1
 * @param expiry    {@code x=}, or -1
 */
public record DkimSignature(HeaderField field, DkimAlgorithm algorithm, DkimCanonicalization headerCanonicalization,
                            DkimCanonicalization bodyCanonicalization, String domain, String selector,
                            String identity, List<String> signedHeaders, byte[] bodyHash, byte[] signature,
                            long length, long timestamp, long expiry) {

    /** Thrown for a signature that §6.1.1 says to ignore as PERMFAIL. */
    static final class InvalidException extends Exception {
        InvalidException(String message) {
            super(message, null, false, false);
        }
    }

    static DkimSignature parse(HeaderField field) throws InvalidException {
        Map<String, String> tags;
        try {
            tags = TagList.parse(field.raw().substring(field.raw().indexOf(':') + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidException(e.getMessage());
        }
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.containsKey(required)) {
                throw new InvalidException("missing tag " + required + "=");
            }
        }
        if (!tags.get("v").equals("1")) {
            throw new InvalidException("unknown version v=" + tags.get("v"));
        }
        try {
            DkimAlgorithm algorithm = DkimAlgorithm.of(tags.get("a"));
            String c = tags.getOrDefault("c", "simple/simple");
            int slash = c.indexOf('/');
            DkimCanonicalization header = DkimCanonicalization.of(slash < 0 ? c : c.substring(0, slash));
            DkimCanonicalization body = slash < 0 ? DkimCanonicalization.SIMPLE : DkimCanonicalization.of(c.substring(slash + 1));
            String domain = tags.get("d").toLowerCase(Locale.ROOT);
            String identity = tags.getOrDefault("i", "@" + tags.get("d"));
            String identityDomain = identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!identity.contains("@") || !(identityDomain.equals(domain) || identityDomain.endsWith("." + domain))) {
                throw new InvalidException("i= is not within d=");
            }
            List<String> headers = new ArrayList<>();
            for (String h : tags.get("h").split(":")) {
                String name = h.replaceAll("[ \t\r\n]+", "");
                if (name.isEmpty()) {
                    throw new InvalidException("empty name in h=");
                }
                headers.add(name);
            }
            if (headers.stream().noneMatch(h -> h.equalsIgnoreCase("from"))) {
                throw new InvalidException("From is not signed");
            }
            String q = tags.getOrDefault("q", "dns/txt");
            if (!q.toLowerCase(Locale.ROOT).contains("dns/txt")) {
                throw new InvalidException("unknown query method q=" + q);
            }
            byte[] bodyHash = Base64.getDecoder().decode(TagList.compact(tags.get("bh")));
            byte[] signature = Base64.getDecoder().decode(TagList.compact(tags.get("b")));
            long length = number(tags.get("l"));
            long timestamp = number(tags.get("t"));
            long expiry = number(tags.get("x"));
            if (expiry >= 0 && timestamp >= 0 && expiry < timestamp) {
                throw new InvalidException("x= is before t=");
            }
            return new DkimSignature(field, algorithm, header, body, domain, tags.get("s"), identity,
                    List.copyOf(headers), bodyHash, signature, length, timestamp, expiry);
        } catch (IllegalArgumentException e) {
            throw new InvalidException(e.getMessage());
        }
    }

    private static long number(String value) {
        if (value == null) {
            return -1;
        }
        String v = TagList.compact(value);
        if (!v.matches("[0-9]{1,12}")) {
            throw new IllegalArgumentException("bad number " + value);
        }
        return Long.parseLong(v);
    }

    /** The key record's name (§3.6.2.1). */
    String keyName() {
        return selector + "._domainkey." + domain;
    }

    /** The first characters of b=, to tell signatures apart in Authentication-Results (RFC 6008). */
    String shortB() {
        String b = Base64.getEncoder().encodeToString(signature);
        return b.substring(0, Math.min(8, b.length()));
    }
}
