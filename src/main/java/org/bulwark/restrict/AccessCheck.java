package org.bulwark.restrict;

import java.net.Inet6Address;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bulwark.mail.AddressRouting;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.bulwark.table.LookupTable;

/**
 * access(5): which keys a {@code check_*_access} looks up, in Postfix's order, and what the value
 * found means (OK, REJECT [text], DEFER [text], DUNNO, 4xx/5xx text, a restriction list...).
 */
final class AccessCheck {

    /** An RFC 3463 status code at the start of an action's text. */
    private static final Pattern DSN = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final int MAX_RECURSION = 100;
    private static final Pattern HEADER = Pattern.compile("[!-9;-~]+:.*");

    private AccessCheck() {
    }

    static Decision check(Evaluation e, AccessKind kind, LookupTable table) {
        var context = e.context();
        return switch (kind) {
            case CLIENT -> client(e, table, context.clientName());
            case REVERSE_CLIENT -> client(e, table, context.reverseName());
            case HELO -> context.helo() == null ? Decision.DUNNO
                    : domain(e, table, context.helo(), Subject.helo(context)).orElse(Decision.DUNNO);
            case SENDER -> sender(e, table);
            case RECIPIENT -> context.recipient() == null ? Decision.DUNNO : recipient(e, table);
            case ETRN -> context.recipient() == null || context.recipient().domain() == null ? Decision.DUNNO
                    : domain(e, table, context.recipient().domain(), Subject.of(Stage.ETRN, context))
                            .orElse(Decision.DUNNO);
        };
    }

    /** The client name and its parent domains, then the address and its parent networks. */
    private static Decision client(Evaluation e, LookupTable table, String clientName) {
        var context = e.context();
        Subject subject = Subject.client(context);
        String name = clientName == null ? "unknown" : clientName;
        Optional<Decision> byName = domain(e, table, name, subject);
        if (byName.isPresent()) {
            return byName.get();
        }
        return hostAddress(e, table, context.clientAddress(), subject).orElse(Decision.DUNNO);
    }

    /**
     * A host name and its parent domains (check_*_mx_access and kin look up their servers so);
     * empty when no key matched.
     */
    static Optional<Decision> hostName(Evaluation e, LookupTable table, String name, Subject subject) {
        return domain(e, table, name, subject);
    }

    /** An address, then its parent networks ({@code 192.0.2}, {@code 192.0}, ...); empty when no key matched. */
    static Optional<Decision> hostAddress(Evaluation e, LookupTable table, java.net.InetAddress host, Subject subject) {
        String address = Subject.hostAddress(host);
        char delimiter = host instanceof Inet6Address ? ':' : '.';
        boolean partial = false;
        for (String key = address; ; partial = true) {
            if (!partial || fixed(table)) {
                Optional<String> value = table.find(key);
                if (value.isPresent()) {
                    return Optional.of(apply(e, table, value.get(), subject));
                }
            }
            int cut = key.lastIndexOf(delimiter);
            if (cut <= 0) {
                return Optional.empty();
            }
            key = key.substring(0, cut);
        }
    }

    private static Decision sender(Evaluation e, LookupTable table) {
        var context = e.context();
        MailAddress sender = context.sender();
        if (sender == null) {
            return Decision.DUNNO;
        }
        Subject subject = Subject.sender(context);
        if (sender.isNullSender()) {
            return table.find(e.settings().nullAccessKey())
                    .map(value -> apply(e, table, value, subject)).orElse(Decision.DUNNO);
        }
        return address(e, table, e.destinations().resolve(sender).address(), subject);
    }

    /**
     * Looks up where the recipient leads. An OK for an address whose sender chose the route
     * counts as DUNNO, so that {@code relay.example OK} does not relay
     * {@code user%elsewhere@relay.example} (Postfix's SUSPICIOUS rule).
     */
    private static Decision recipient(Evaluation e, LookupTable table) {
        AddressRouting.Resolved resolved = e.destinations().resolve(e.context().recipient());
        Decision decision = address(e, table, resolved.address(), Subject.recipient(e.context()));
        boolean suspicious = resolved.routed() && !e.settings().allowUntrustedRouting();
        return suspicious && decision instanceof Decision.Permit ? Decision.DUNNO : decision;
    }

    /**
     * {@code user+ext@domain}, {@code user@domain}, the domain and its parents,
     * {@code user+ext@}, {@code user@} (Postfix's check_mail_access). Only the first key is asked
     * of regexp and pcre tables, which see the whole address.
     */
    private static Decision address(Evaluation e, LookupTable table, MailAddress address, Subject subject) {
        String local = address.localPart();
        String bare = e.destinations().stripExtension(local);
        String domain = address.domain();
        String at = domain == null ? "" : "@" + domain;
        Optional<String> value = table.find(local + at);
        if (value.isEmpty() && fixed(table) && !bare.equals(local)) {
            value = table.find(bare + at);
        }
        if (value.isPresent()) {
            return apply(e, table, value.get(), subject);
        }
        if (domain != null && fixed(table)) {
            Optional<Decision> byDomain = lookupDomain(e, table, domain, subject, true);
            if (byDomain.isPresent()) {
                return byDomain.get();
            }
        }
        if (fixed(table)) {
            value = table.find(local + "@");
            if (value.isEmpty() && !bare.equals(local)) {
                value = table.find(bare + "@");
            }
        }
        return value.map(v -> apply(e, table, v, subject)).orElse(Decision.DUNNO);
    }

    private static Optional<Decision> domain(Evaluation e, LookupTable table, String domain, Subject subject) {
        return lookupDomain(e, table, domain, subject, false);
    }

    /**
     * The name, then its parent domains: {@code example.com} (or {@code .example.com} when
     * parent_domain_matches_subdomains leaves out smtpd_access_maps), down to the top level.
     * Empty when no key matched, so that a client check can go on to the address.
     */
    private static Optional<Decision> lookupDomain(Evaluation e, LookupTable table, String domain,
            Subject subject, boolean partialOnly) {
        String name = domain.toLowerCase(Locale.ROOT);
        boolean parentStyle = e.settings().parentMatchesSubdomains();
        boolean partial = partialOnly;
        while (!name.isEmpty()) {
            if (!partial || fixed(table)) {
                Optional<String> value = table.find(name);
                if (value.isPresent()) {
                    return Optional.of(apply(e, table, value.get(), subject));
                }
            }
            if (HostnameChecks.validHostAddress(domain)) {
                break;
            }
            int dot = name.indexOf('.', 1);
            if (dot < 0) {
                break;
            }
            name = parentStyle ? name.substring(dot + 1) : name.substring(dot);
            partial = true;
        }
        return Optional.empty();
    }

    /** Whether a table answers partial keys: indexed tables do; regexp and pcre see one string. */
    private static boolean fixed(LookupTable table) {
        String spec = table.spec().toLowerCase(Locale.ROOT);
        return !(spec.startsWith("regexp:") || spec.startsWith("pcre:"));
    }

    /** What a value found in an access table means (Postfix's check_table_result). */
    static Decision apply(Evaluation e, LookupTable table, String value, Subject subject) {
        String trimmed = value.strip();
        int space = indexOfSpace(trimmed);
        String command = space < 0 ? trimmed : trimmed.substring(0, space);
        String text = space < 0 ? "" : trimmed.substring(space).strip();
        String upper = command.toUpperCase(Locale.ROOT);
        Settings settings = e.settings();
        switch (upper) {
            case "DUNNO":
                return Decision.DUNNO;
            case "REJECT":
                return e.reject(withText(settings.accessRejectCode(), "5.7.1", text, RestrictTexts.ACCESS_DENIED, subject));
            case "DEFER":
                return e.reject(withText(settings.accessDeferCode(), "4.7.1", text, RestrictTexts.ACCESS_DENIED, subject));
            case "DEFER_IF_PERMIT":
                return e.deferIfPermit(withText(settings.accessDeferCode(), "4.7.1", text,
                        RestrictTexts.SERVICE_UNAVAILABLE, subject));
            case "DEFER_IF_REJECT":
                return e.deferIfReject(withText(settings.accessDeferCode(), "4.7.1", text,
                        RestrictTexts.SERVICE_UNAVAILABLE, subject));
            case "OK", "RELAY":
                return Decision.PERMIT;
            case "WARN", "INFO":
                e.logAction(upper.toLowerCase(Locale.ROOT), text);
                return Decision.DUNNO;
            case "PREPEND":
                // RFC 5322 §2.2: a header field is a name of printable characters, a colon, a body.
                if (!HEADER.matcher(text).matches()) {
                    e.warn(RestrictTexts.prependNeedsHeader(table.spec(), trimmed));
                    return e.serverError();
                }
                e.act(new MessageAction.Prepend(text));
                return Decision.DUNNO;
            case "HOLD":
                e.logAction("hold", text.isEmpty() ? RestrictTexts.triggers(subject, "HOLD action") : text);
                e.act(new MessageAction.Hold(text));
                return Decision.DUNNO;
            case "DISCARD":
                // access(5): claims delivery and drops the message, for every recipient; ends the list.
                e.logAction("discard", text.isEmpty() ? RestrictTexts.triggers(subject, "DISCARD action") : text);
                e.act(new MessageAction.Discard(text));
                return Decision.PERMIT;
            case "REDIRECT", "BCC": {
                MailAddress target = text.isEmpty() || text.indexOf(' ') >= 0 ? null : MailAddress.of(text);
                if (target == null || !target.isQualified()) {
                    e.warn(RestrictTexts.actionNeedsAddress(table.spec(), upper, trimmed));
                    return e.serverError();
                }
                e.logAction(upper.toLowerCase(Locale.ROOT), RestrictTexts.triggers(subject, upper + " " + text));
                if (upper.equals("REDIRECT")) {
                    e.act(new MessageAction.Redirect(target));
                } else {
                    e.act(new MessageAction.Bcc(target));
                }
                return Decision.DUNNO;
            }
            case "HANGUP":
                // Postfix logs the text as given and drops the connection without a reply, even
                // under warn_if_reject: it is not a refusal that could be softened.
                e.logAction("hangup", text.isEmpty() ? RestrictTexts.triggers(subject, "HANGUP action") : text);
                return Decision.HANGUP;
            case "FILTER":
                // FILTER_README: the message goes through this transport:nexthop after it is queued.
                if (text.isEmpty() || text.indexOf(':') < 0) {
                    e.warn(RestrictTexts.filterNeedsTransport(table.spec(), trimmed));
                    return Decision.DUNNO;
                }
                e.logAction("filter", RestrictTexts.triggers(subject, "FILTER " + text));
                e.act(new MessageAction.Filter(text));
                return Decision.DUNNO;
            default:
                break;
        }
        if (!command.isEmpty() && command.chars().allMatch(Character::isDigit) && space < 0) {
            // An all-numeric value is a time stamp from pop-before-smtp style tools: OK.
            return Decision.PERMIT;
        }
        if (command.length() == 3 && !text.isEmpty() && (command.charAt(0) == '4' || command.charAt(0) == '5')
                && Character.isDigit(command.charAt(1)) && Character.isDigit(command.charAt(2))) {
            int code = Integer.parseInt(command);
            return e.reject(withText(code, command.charAt(0) + ".7.1", text, RestrictTexts.ACCESS_DENIED, subject));
        }
        if (trimmed.indexOf(':') >= 0) {
            e.warn(RestrictTexts.tableInAccessValue(table.spec(), trimmed));
            return e.serverError();
        }
        if (e.recursion() > MAX_RECURSION) {
            e.warn(RestrictTexts.tooMuchRecursion(table.spec(), trimmed));
            return e.serverError();
        }
        return e.runAccessValue(table, trimmed, subject);
    }

    /** A reply whose text may start with its own enhanced status code (RFC 2034 §4). */
    private static SmtpReply withText(int code, String defaultDsn, String text, String defaultText, Subject subject) {
        String dsn = defaultDsn;
        String rest = text;
        int space = indexOfSpace(text);
        String first = space < 0 ? text : text.substring(0, space);
        if (DSN.matcher(first).matches()) {
            dsn = first;
            rest = space < 0 ? "" : text.substring(space).strip();
        }
        return RestrictTexts.rejected(code, dsn, subject, rest.isEmpty() ? defaultText : rest);
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
