package org.bulwark.restrict;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResult;
import org.bulwark.mail.SmtpReply;
import org.bulwark.table.LookupTable;

/**
 * DNS block and allow lists (RFC 5782): reject_rbl_client, reject_rhsbl_client,
 * reject_rhsbl_reverse_client, reject_rhsbl_helo, reject_rhsbl_sender, reject_rhsbl_recipient,
 * permit_dnswl_client and permit_rhswl_client, with Postfix's {@code domain=d.d.d.d} reply
 * filters and its default_rbl_reply / rbl_reply_maps templates.
 */
public final class DnsLists {

    /** What a list is asked about: an address (RBL) or a domain name (RHSBL). */
    enum Target {
        CLIENT_ADDRESS(RestrictTexts.CLIENT),
        CLIENT_NAME(RestrictTexts.CLIENT),
        REVERSE_CLIENT_NAME("Unverified " + RestrictTexts.CLIENT),
        HELO(RestrictTexts.HELO),
        SENDER(RestrictTexts.SENDER),
        RECIPIENT(RestrictTexts.RECIPIENT);

        private final String replyClass;

        Target(String replyClass) {
            this.replyClass = replyClass;
        }
    }

    /** One octet's allowed values in a reply filter, {@code low..high} inclusive. */
    public record Range(int low, int high) {
        boolean contains(int octet) {
            return octet >= low && octet <= high;
        }
    }

    /**
     * A list as written: {@code zen.spamhaus.org} or {@code zen.spamhaus.org=127.0.0.[2..11]};
     * {@code filter} holds each of the four octets' ranges, or is null for any answer.
     */
    public record ListSpec(String written, String domain, List<List<Range>> filter) {

        /** @param name what the list is given to, for the error message (a restriction or parameter name) */
        public static ListSpec parse(String name, String argument) {
            int eq = argument.indexOf('=');
            String domain = (eq < 0 ? argument : argument.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (domain.endsWith(".")) {
                domain = domain.substring(0, domain.length() - 1);
            }
            if (domain.isEmpty()) {
                throw new ConfigException(RestrictTexts.badRblFilter(name, argument));
            }
            return new ListSpec(argument, domain, eq < 0 ? null : filter(name, argument, argument.substring(eq + 1)));
        }

        /** Each of the four octets: a list of inclusive ranges. */
        private static List<List<Range>> filter(String name, String argument, String text) {
            List<String> octets = splitOctets(text);
            if (octets == null || octets.size() != 4) {
                throw new ConfigException(RestrictTexts.badRblFilter(name, argument));
            }
            return octets.stream().map(o -> ranges(name, argument, o)).toList();
        }

        private static List<String> splitOctets(String text) {
            List<String> out = new java.util.ArrayList<>();
            int depth = 0;
            StringBuilder current = new StringBuilder();
            for (char c : text.toCharArray()) {
                if (c == '[') {
                    depth++;
                } else if (c == ']') {
                    depth--;
                }
                if (c == '.' && depth == 0) {
                    out.add(current.toString());
                    current.setLength(0);
                } else {
                    current.append(c);
                }
            }
            out.add(current.toString());
            return depth == 0 ? out : null;
        }

        private static List<Range> ranges(String name, String argument, String octet) {
            String body = octet.startsWith("[") && octet.endsWith("]") ? octet.substring(1, octet.length() - 1) : octet;
            List<Range> out = new java.util.ArrayList<>();
            for (String part : body.split(";")) {
                String[] bounds = part.split("\\.\\.", -1);
                try {
                    int low = Integer.parseInt(bounds[0].strip());
                    int high = bounds.length > 1 ? Integer.parseInt(bounds[1].strip()) : low;
                    if (bounds.length > 2 || low < 0 || high > 255 || low > high
                            || bounds.length > 1 && !octet.startsWith("[")) {
                        throw new NumberFormatException(part);
                    }
                    out.add(new Range(low, high));
                } catch (NumberFormatException e) {
                    throw new ConfigException(RestrictTexts.badRblFilter(name, argument));
                }
            }
            return out;
        }

        /** Whether a reply address passes the filter (any does without one). */
        public boolean accepts(InetAddress reply) {
            if (filter == null) {
                return true;
            }
            byte[] b = reply.getAddress();
            if (b.length != 4) {
                return false;
            }
            for (int i = 0; i < 4; i++) {
                int octet = b[i] & 0xff;
                if (filter.get(i).stream().noneMatch(r -> r.contains(octet))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Postfix keeps at most this much of a list's TXT records for $rbl_reason. */
    private static final int MAX_REASON = 500;

    private DnsLists() {
    }

    /**
     * Asks the list about the target. A listed target is refused (block lists) or permitted (allow
     * lists); a DNS failure is never a pass for a block list: it defers the final permit, as
     * Postfix's defer_if_permit does. An allow list that cannot be asked lets the list go on but
     * softens a later 5xx (defer_if_reject), so that a listed sender is not refused for good.
     */
    static Decision check(Evaluation e, Subject subject, Target target, boolean permit, ListSpec list) {
        SmtpdContext context = e.context();
        String what = what(context, target);
        if (what == null || target != Target.CLIENT_ADDRESS && !askable(query(target, context))) {
            return Decision.DUNNO;
        }
        DnsResult<InetAddress> answer = target == Target.CLIENT_ADDRESS
                ? e.environment().dns().lookupDnsbl(context.clientAddress(), list.domain())
                : e.environment().dns().lookupAddresses(query(target, context) + "." + list.domain());
        if (answer instanceof DnsResult.TemporaryFailure<InetAddress> failure) {
            e.warn(RestrictTexts.rblTemporaryFailure(list.domain(), failure.reason()));
            // Postfix gives a block list "the benefit of the doubt" here and passes; a pass this
            // server cannot justify is a false accept, so the permit is deferred instead.
            return permit ? e.deferIfReject(RestrictTexts.allowListUnavailable(target.replyClass, what))
                    : e.deferIfPermit(RestrictTexts.rblLookupFailed(target.replyClass, what, list.domain()));
        }
        Optional<InetAddress> hit = answer.values().stream().filter(list::accepts).findFirst();
        if (hit.isEmpty()) {
            return Decision.DUNNO;
        }
        if (permit) {
            // Postfix: an allow list never lets a RCPT through to a destination we do not serve.
            boolean relayDecision = e.stage() == Stage.RCPT && context.recipient() != null
                    && !e.destinations().authorized(context.recipient());
            return relayDecision ? Decision.DUNNO : Decision.PERMIT;
        }
        return e.reject(reply(e, target, what, list, hit.get()));
    }

    /** The name asked under the list's domain; null when the target has none to ask about. */
    private static String what(SmtpdContext context, Target target) {
        return switch (target) {
            case CLIENT_ADDRESS -> Subject.hostAddress(context.clientAddress());
            case CLIENT_NAME -> HostnameChecks.known(context.clientName());
            case REVERSE_CLIENT_NAME -> HostnameChecks.known(context.reverseName());
            case HELO -> HostnameChecks.heloDomain(context.helo());
            case SENDER -> HostnameChecks.domainOf(context.sender()) == null ? null : Subject.name(context.sender());
            case RECIPIENT -> HostnameChecks.domainOf(context.recipient()) == null ? null : Subject.name(context.recipient());
        };
    }

    private static String query(Target target, SmtpdContext context) {
        return switch (target) {
            case SENDER -> HostnameChecks.domainOf(context.sender());
            case RECIPIENT -> HostnameChecks.domainOf(context.recipient());
            default -> what(context, target);
        };
    }

    /**
     * Postfix skips names whose last label is all digits: some lists refuse what looks like an
     * address query, and such a name is no domain anyway.
     */
    private static boolean askable(String domain) {
        String last = domain.substring(domain.lastIndexOf('.') + 1);
        return !last.isEmpty() && !last.chars().allMatch(Character::isDigit) && HostnameChecks.validHostname(domain);
    }

    /** The reply from rbl_reply_maps (by list as written, then by domain) or default_rbl_reply. */
    private static SmtpReply reply(Evaluation e, Target target, String what, ListSpec list, InetAddress code) {
        Settings.Dns dns = e.settings().dns();
        String template = null;
        for (LookupTable table : e.engine().rblReplyMaps()) {
            template = table.find(list.written()).or(() -> table.find(list.domain())).orElse(null);
            if (template != null) {
                break;
            }
        }
        if (template == null) {
            template = dns.defaultRblReply();
        }
        SmtpdContext context = e.context();
        String expanded = ReplyTemplate.expand(template, name -> switch (name) {
            case "rbl_code" -> Integer.toString(dns.rblCode());
            case "rbl_domain" -> list.domain();
            case "rbl_class" -> target.replyClass;
            case "rbl_what" -> what;
            case "rbl_reason", "rbl_txt" -> reason(e, target, context, list);
            case "client_address" -> Subject.hostAddress(context.clientAddress());
            case "client_name" -> context.clientName();
            case "reverse_client_name" -> context.reverseName();
            case "helo_name" -> context.helo();
            case "sender" -> context.sender() == null ? null : Subject.name(context.sender());
            case "sender_name" -> context.sender() == null ? null : context.sender().localPart();
            case "sender_domain" -> context.sender() == null ? null : context.sender().domain();
            case "recipient" -> context.recipient() == null ? null : Subject.name(context.recipient());
            case "recipient_name" -> context.recipient() == null ? null : context.recipient().localPart();
            case "recipient_domain" -> context.recipient() == null ? null : context.recipient().domain();
            case "rbl_result" -> code.getHostAddress();
            default -> null;
        });
        SmtpReply reply = ReplyTemplate.toReply(expanded, "5.7.1");
        if (reply == null) {
            e.warnOnce(RestrictTexts.badRblReply(list.domain(), template));
            return RestrictTexts.reply(450, "4.7.1", RestrictTexts.SERVICE_UNAVAILABLE);
        }
        return reply;
    }

    /** The list's TXT record for the entry (RFC 5782 §2.1), asked only when a template uses it. */
    private static String reason(Evaluation e, Target target, SmtpdContext context, ListSpec list) {
        DnsResult<String> txt = target == Target.CLIENT_ADDRESS
                ? e.environment().dns().lookupDnsblText(context.clientAddress(), list.domain())
                : e.environment().dns().lookupTxt(query(target, context) + "." + list.domain());
        String joined = String.join(" / ", txt.values());
        return joined.isBlank() ? null : joined.substring(0, Math.min(joined.length(), MAX_REASON));
    }
}
