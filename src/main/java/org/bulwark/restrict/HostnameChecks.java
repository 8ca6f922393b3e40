package org.bulwark.restrict;

import org.bulwark.mail.MailAddress;
import org.bulwark.util.Cidr;

/**
 * The syntax checks on host names and address domains: Postfix's valid_hostname and
 * valid_hostaddr (RFC 1035 §2.3.1 labels, RFC 5321 §4.1.3 address literals).
 */
final class HostnameChecks {

    private static final int MAX_NAME = 255;
    private static final int MAX_LABEL = 63;

    private HostnameChecks() {
    }

    static Decision invalidHelo(Evaluation e) {
        String helo = e.context().helo();
        if (helo == null) {
            return Decision.DUNNO;
        }
        Subject subject = Subject.helo(e.context());
        if (helo.startsWith("[")) {
            return invalidAddressLiteral(e, helo, subject);
        }
        String name = truncateDot(helo);
        if (!validHostname(name) && !validHostAddress(name)) {
            return e.reject(RestrictTexts.invalidHeloName(e.settings().badNameCode(), subject));
        }
        return Decision.DUNNO;
    }

    static Decision nonFqdnHelo(Evaluation e) {
        String helo = e.context().helo();
        if (helo == null) {
            return Decision.DUNNO;
        }
        Subject subject = Subject.helo(e.context());
        if (helo.startsWith("[")) {
            return invalidAddressLiteral(e, helo, subject);
        }
        String name = truncateDot(helo);
        if (!validHostname(name) || name.indexOf('.') < 0) {
            return e.reject(RestrictTexts.needFqdnHostname(e.settings().nonFqdnCode(), subject));
        }
        return Decision.DUNNO;
    }

    static Decision nonFqdnAddress(Evaluation e, MailAddress address, Subject subject) {
        String domain = address.domain() == null ? "" : address.domain();
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return Decision.DUNNO;
        }
        String name = truncateDot(domain);
        if (name.isEmpty() || !validHostname(name) || name.indexOf('.') < 0) {
            return e.reject(RestrictTexts.needFqdnAddress(e.settings().nonFqdnCode(), subject));
        }
        return Decision.DUNNO;
    }

    private static Decision invalidAddressLiteral(Evaluation e, String literal, Subject subject) {
        String inner = literal.length() > 2 && literal.endsWith("]")
                ? literal.substring(1, literal.length() - 1) : literal;
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            inner = inner.substring(5);
        }
        return validHostAddress(inner) ? Decision.DUNNO
                : e.reject(RestrictTexts.invalidIpAddress(e.settings().badNameCode(), subject));
    }

    /** The HELO name as a domain to ask DNS about; null for none or an address (literal or bare). */
    static String heloDomain(String helo) {
        if (helo == null || helo.startsWith("[") || validHostAddress(helo)) {
            return null;
        }
        return truncateDot(helo);
    }

    /** A client name, or null when the client has none ({@code unknown}, as Postfix writes it). */
    static String known(String name) {
        return name == null || name.equals("unknown") ? null : name;
    }

    /** The domain of an address without its trailing dot; null for the null sender, a bare name or an address literal. */
    static String domainOf(MailAddress address) {
        if (address == null || address.isNullSender() || address.domain() == null || address.domain().isEmpty()
                || address.domain().startsWith("[")) {
            return null;
        }
        return truncateDot(address.domain());
    }

    /** A trailing dot is dropped, but not from "x.." (Postfix's dup_if_truncate). */
    static String truncateDot(String name) {
        int n = name.length();
        return n > 1 && name.charAt(n - 1) == '.' && name.charAt(n - 2) != '.' ? name.substring(0, n - 1) : name;
    }

    /** Letters, digits, '-' and '_' in labels of 1 to 63 characters, not all numeric. */
    static boolean validHostname(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        boolean nonNumeric = false;
        int label = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (label == 0 || name.charAt(i - 1) == '-') {
                    return false;
                }
                label = 0;
            } else if (Character.isLetterOrDigit(c) && c < 0x80 || c == '_' || c == '-') {
                if (c == '-' && label == 0) {
                    return false;
                }
                if (!Character.isDigit(c)) {
                    nonNumeric = true;
                }
                if (++label > MAX_LABEL) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return label > 0 && name.charAt(name.length() - 1) != '-' && nonNumeric;
    }

    /** A dotted-quad IPv4 address or an IPv6 address in text form. */
    static boolean validHostAddress(String text) {
        return Cidr.literalBytes(text) != null;
    }
}
