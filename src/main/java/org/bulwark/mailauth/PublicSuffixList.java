package org.bulwark.mailauth;

import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Public Suffix List (https://publicsuffix.org/list/), read from a maintained copy such as
 * Debian's {@code publicsuffix} package, for DMARC's organizational domain (RFC 7489 §3.2). The
 * JDK has none, and a hand-made list would go stale.
 */
public final class PublicSuffixList {

    /** Where Debian's {@code publicsuffix} package installs the list. */
    public static final String DEBIAN_PATH = "/usr/share/publicsuffix/public_suffix_list.dat";

    private final Set<String> rules;
    private final Set<String> wildcards;
    private final Set<String> exceptions;

    private PublicSuffixList(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
        this.rules = rules;
        this.wildcards = wildcards;
        this.exceptions = exceptions;
    }

    /** @throws IOException with a message that says how to install the list */
    public static PublicSuffixList load(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException(MailAuthTexts.pslMissing(file));
        }
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static PublicSuffixList parse(List<String> lines) {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            int space = line.indexOf(' ');
            String rule = ascii(space < 0 ? line : line.substring(0, space));
            if (rule.startsWith("!")) {
                exceptions.add(rule.substring(1));
            } else if (rule.startsWith("*.")) {
                wildcards.add(rule.substring(2));
            } else {
                rules.add(rule);
            }
        }
        return new PublicSuffixList(rules, wildcards, exceptions);
    }

    /**
     * The organizational domain: the public suffix plus one label (RFC 7489 §3.2). A domain that
     * is itself a public suffix is its own organizational domain.
     */
    public String organizationalDomain(String domain) {
        String d = ascii(domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain);
        String[] labels = d.split("\\.");
        int suffixLabels = 1;
        for (int i = 0; i < labels.length; i++) {
            String candidate = String.join(".", java.util.Arrays.copyOfRange(labels, i, labels.length));
            int count = labels.length - i;
            if (exceptions.contains(candidate)) {
                suffixLabels = count - 1;
                break;
            }
            if (rules.contains(candidate) && count > suffixLabels) {
                suffixLabels = count;
            }
            if (i + 1 < labels.length) {
                String parent = String.join(".", java.util.Arrays.copyOfRange(labels, i + 1, labels.length));
                if (wildcards.contains(parent) && count > suffixLabels) {
                    suffixLabels = count;
                }
            }
        }
        if (labels.length <= suffixLabels) {
            return d;
        }
        return String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - suffixLabels - 1, labels.length));
    }

    private static String ascii(String name) {
        try {
            return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return name.toLowerCase(Locale.ROOT);
        }
    }
}
