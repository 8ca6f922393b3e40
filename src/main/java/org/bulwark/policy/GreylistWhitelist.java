package org.bulwark.policy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bulwark.util.Cidr;

/**
 * postgrey's whitelist files: one entry a line, {@code #} comments. For clients: {@code /regexp/}
 * on the client name, an address or CIDR block, or a domain (that name and its subdomains). For
 * recipients: {@code /regexp/}, {@code user@domain}, {@code user@}, or a domain. As in postgrey,
 * {@code user+extension} matches {@code user}.
 */
final class GreylistWhitelist {

    private final List<Pattern> names;
    private final List<Cidr> networks;

    private GreylistWhitelist(List<Pattern> names, List<Cidr> networks) {
        this.names = names;
        this.networks = networks;
    }

    static GreylistWhitelist clients(List<Path> files) {
        List<Pattern> names = new ArrayList<>();
        List<Cidr> networks = new ArrayList<>();
        for (Path file : files) {
            for (String entry : entries(file)) {
                if (isRegexp(entry)) {
                    names.add(regexp(entry));
                } else if (Cidr.literalBytes(entry.split("/")[0]) != null) {
                    networks.add(Cidr.parse(entry));
                } else {
                    names.add(Pattern.compile("(?:^|\\.)" + Pattern.quote(entry) + "$", Pattern.CASE_INSENSITIVE));
                }
            }
        }
        return new GreylistWhitelist(names, networks);
    }

    static GreylistWhitelist recipients(List<Path> files) {
        List<Pattern> patterns = new ArrayList<>();
        for (Path file : files) {
            for (String entry : entries(file)) {
                int at = entry.indexOf('@');
                if (isRegexp(entry)) {
                    patterns.add(regexp(entry));
                } else if (at > 0 && at < entry.length() - 1) {
                    patterns.add(Pattern.compile("^" + Pattern.quote(entry.substring(0, at)) + "(?:\\+[^@]+)?@"
                            + Pattern.quote(entry.substring(at + 1)) + "$", Pattern.CASE_INSENSITIVE));
                } else if (at > 0) {
                    patterns.add(Pattern.compile("^" + Pattern.quote(entry.substring(0, at)) + "(?:\\+[^@]+)?@",
                            Pattern.CASE_INSENSITIVE));
                } else {
                    patterns.add(Pattern.compile("(?:@|\\.)" + Pattern.quote(entry) + "$", Pattern.CASE_INSENSITIVE));
                }
            }
        }
        return new GreylistWhitelist(patterns, List.of());
    }

    boolean matchesName(String name) {
        return name != null && names.stream().anyMatch(p -> p.matcher(name).find());
    }

    boolean matchesAddress(InetAddress address) {
        return address != null && networks.stream().anyMatch(n -> n.contains(address));
    }

    private static boolean isRegexp(String entry) {
        return entry.length() > 2 && entry.startsWith("/") && entry.endsWith("/");
    }

    private static Pattern regexp(String entry) {
        return Pattern.compile(entry.substring(1, entry.length() - 1), Pattern.CASE_INSENSITIVE);
    }

    private static List<String> entries(Path file) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String s = line.replaceAll("#.*", "").strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(PolicyTexts.unreadableFile(file.toString(), e.getMessage()), e);
        }
        return out;
    }
}
