package org.bulwark.mailauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.util.Cidr;

/**
 * One SPF record parsed into its terms (RFC 7208 §4.6, §12 ABNF). Any syntax error anywhere makes
 * the whole record a permerror before it is evaluated (§4.6).
 */
record SpfRecord(List<Directive> directives, String redirect, String explanation) {

    enum Mechanism { ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS }

    /**
     * One directive. {@code domainSpec} is null when the mechanism names no domain (the current
     * one applies); {@code network} holds the address of ip4/ip6.
     */
    record Directive(SpfResult.Result qualifier, Mechanism mechanism, String domainSpec, byte[] network,
                     int cidr4, int cidr6) {
    }

    /** Thrown for a record that does not follow the ABNF of RFC 7208 §12. */
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message);
        }
    }

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)", Pattern.DOTALL);
    private static final Pattern DUAL_CIDR = Pattern.compile("(.*?)(?:/(0|[1-9][0-9]*))?(?://(0|[1-9][0-9]*))?");
    private static final Pattern NAME = Pattern.compile("([A-Za-z][A-Za-z0-9]*)(.*)", Pattern.DOTALL);
    private static final Pattern TOPLABEL = Pattern.compile(
            "(?i)[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9]");

    /** Whether a TXT record is an SPF version 1 record (§4.5): {@code v=spf1} then a space or the end. */
    static boolean isSpf1(String txt) {
        return txt.length() >= 6 && txt.regionMatches(true, 0, "v=spf1", 0, 6)
                && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    static SpfRecord parse(String txt) throws SyntaxException {
        for (int i = 0; i < txt.length(); i++) {
            char c = txt.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new SyntaxException("character outside printable US-ASCII");
            }
        }
        List<Directive> directives = new ArrayList<>();
        String redirect = null;
        String explanation = null;
        for (String term : txt.substring(6).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher modifier = MODIFIER.matcher(term);
            if (modifier.matches()) {
                String name = modifier.group(1).toLowerCase(Locale.ROOT);
                String value = modifier.group(2);
                switch (name) {
                    case "redirect" -> {
                        if (redirect != null) {
                            throw new SyntaxException("redirect= twice");
                        }
                        redirect = domainSpec(value);
                    }
                    case "exp" -> {
                        if (explanation != null) {
                            throw new SyntaxException("exp= twice");
                        }
                        explanation = domainSpec(value);
                    }
                    default -> {
                        // Unknown modifiers are ignored, but their syntax must hold (§6).
                        if (!SpfMacro.isValid(value, false)) {
                            throw new SyntaxException("bad macro in modifier " + name);
                        }
                    }
                }
                continue;
            }
            directives.add(directive(term));
        }
        return new SpfRecord(List.copyOf(directives), redirect, explanation);
    }

    private static Directive directive(String term) throws SyntaxException {
        SpfResult.Result qualifier = SpfResult.Result.PASS;
        String rest = term;
        switch (term.charAt(0)) {
            case '+' -> rest = term.substring(1);
            case '-' -> {
                qualifier = SpfResult.Result.FAIL;
                rest = term.substring(1);
            }
            case '~' -> {
                qualifier = SpfResult.Result.SOFTFAIL;
                rest = term.substring(1);
            }
            case '?' -> {
                qualifier = SpfResult.Result.NEUTRAL;
                rest = term.substring(1);
            }
            default -> {
            }
        }
        Matcher named = NAME.matcher(rest);
        if (!named.matches()) {
            throw new SyntaxException("bad term " + term);
        }
        Mechanism mechanism;
        try {
            mechanism = Mechanism.valueOf(named.group(1).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SyntaxException("unknown mechanism " + named.group(1));
        }
        String arguments = named.group(2);
        return switch (mechanism) {
            case ALL -> {
                if (!arguments.isEmpty()) {
                    throw new SyntaxException("all takes no argument");
                }
                yield new Directive(qualifier, mechanism, null, null, 32, 128);
            }
            case INCLUDE, EXISTS -> {
                if (!arguments.startsWith(":")) {
                    throw new SyntaxException(mechanism + " needs a domain");
                }
                yield new Directive(qualifier, mechanism, domainSpec(arguments.substring(1)), null, 32, 128);
            }
            case PTR -> {
                String domain = null;
                if (!arguments.isEmpty()) {
                    if (!arguments.startsWith(":")) {
                        throw new SyntaxException("bad ptr");
                    }
                    domain = domainSpec(arguments.substring(1));
                }
                yield new Directive(qualifier, mechanism, domain, null, 32, 128);
            }
            case A, MX -> hostMechanism(qualifier, mechanism, arguments);
            case IP4, IP6 -> ipMechanism(qualifier, mechanism, arguments);
        };
    }

    private static Directive hostMechanism(SpfResult.Result qualifier, Mechanism mechanism, String arguments)
            throws SyntaxException {
        Matcher m = DUAL_CIDR.matcher(arguments);
        if (!m.matches()) {
            throw new SyntaxException("bad " + mechanism);
        }
        String domain = null;
        if (!m.group(1).isEmpty()) {
            if (!m.group(1).startsWith(":")) {
                throw new SyntaxException("bad " + mechanism);
            }
            domain = domainSpec(m.group(1).substring(1));
        }
        int cidr4 = m.group(2) == null ? 32 : prefix(m.group(2), 32);
        int cidr6 = m.group(3) == null ? 128 : prefix(m.group(3), 128);
        return new Directive(qualifier, mechanism, domain, null, cidr4, cidr6);
    }

    private static Directive ipMechanism(SpfResult.Result qualifier, Mechanism mechanism, String arguments)
            throws SyntaxException {
        if (!arguments.startsWith(":")) {
            throw new SyntaxException(mechanism + " needs an address");
        }
        String value = arguments.substring(1);
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        int limit = mechanism == Mechanism.IP4 ? 32 : 128;
        int length = limit;
        if (slash >= 0) {
            String digits = value.substring(slash + 1);
            if (!digits.matches("0|[1-9][0-9]*")) {
                throw new SyntaxException("bad prefix length");
            }
            length = prefix(digits, limit);
        }
        byte[] bytes = mechanism == Mechanism.IP4 ? ipv4(address) : ipv6(address);
        return new Directive(qualifier, mechanism, null, bytes, mechanism == Mechanism.IP4 ? length : 32,
                mechanism == Mechanism.IP6 ? length : 128);
    }

    private static byte[] ipv4(String text) throws SyntaxException {
        if (!text.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")) {
            throw new SyntaxException("bad IPv4 address " + text);
        }
        return Cidr.literalBytes(text);
    }

    private static byte[] ipv6(String text) throws SyntaxException {
        if (text.indexOf(':') < 0) {
            throw new SyntaxException("bad IPv6 address " + text);
        }
        byte[] bytes = Cidr.literalBytes(text);
        if (bytes == null) {
            throw new SyntaxException("bad IPv6 address " + text);
        }
        if (bytes.length == 4) {
            // The JDK turns ::ffff:a.b.c.d into an IPv4 address; ip6 wants the 16 bytes.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            return mapped;
        }
        return bytes;
    }

    private static int prefix(String digits, int limit) throws SyntaxException {
        if (digits.length() > 3 || Integer.parseInt(digits) > limit) {
            throw new SyntaxException("prefix length over " + limit);
        }
        return Integer.parseInt(digits);
    }

    /**
     * A domain-spec (§7.1): a valid macro string that ends in a top label (not all digits) or in a
     * macro, so {@code a:1.2.3.4} or {@code a:abc.123} is an error and not an address.
     */
    static String domainSpec(String spec) throws SyntaxException {
        if (spec.isEmpty() || !SpfMacro.isValid(spec, false)) {
            throw new SyntaxException("bad domain-spec " + spec);
        }
        if (spec.endsWith("}")) {
            return spec;
        }
        String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        int dot = s.lastIndexOf('.');
        if (dot < 0 || !TOPLABEL.matcher(s.substring(dot + 1)).matches()) {
            throw new SyntaxException("bad domain-spec " + spec);
        }
        return spec;
    }
}
