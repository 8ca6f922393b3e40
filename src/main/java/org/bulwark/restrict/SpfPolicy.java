package org.bulwark.restrict;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.bulwark.dns.DnsResolver;
import org.bulwark.mail.MailAddress;
import org.bulwark.mailauth.Spf;
import org.bulwark.mailauth.SpfResult;
import org.bulwark.util.Cidr;

/**
 * The built-in SPF policy ({@code check_policy_service builtin:spf}, {@code bulwark policyd --spf}),
 * answering as postfix-policyd-spf does: a fail is refused with {@code 550 5.7.23} and the
 * explanation, a temporary error is {@code 451 4.4.3}, anything else passes with a
 * {@code Received-SPF} header (RFC 7208 §9.1) as a PREPEND action. The MAIL FROM identity is
 * checked, or the HELO identity for the null sender (RFC 7208 §2.4).
 */
public final class SpfPolicy {

    private final Spf spf;

    public SpfPolicy(DnsResolver dns, String myhostname) {
        this.spf = new Spf(dns, myhostname);
    }

    /** A policy request's attributes in, an access(5) action out. */
    public String decide(Map<String, String> request) {
        String state = request.getOrDefault("protocol_state", "RCPT");
        byte[] literal = Cidr.literalBytes(request.getOrDefault("client_address", ""));
        if (!state.equalsIgnoreCase("RCPT") || literal == null) {
            return "DUNNO"; // policyd-spf, too, decides at RCPT only
        }
        InetAddress client;
        try {
            client = InetAddress.getByAddress(literal);
        } catch (UnknownHostException e) {
            return "DUNNO";
        }
        String sender = request.getOrDefault("sender", "");
        SpfResult result = spf.check(client, request.get("helo_name"), sender.isEmpty() ? null : MailAddress.of(sender));
        return switch (result.result()) {
            case FAIL -> RestrictTexts.spfFail(result.explanationOrDefault());
            case TEMPERROR -> RestrictTexts.spfTemporaryError(result.domain());
            default -> "PREPEND " + result.receivedSpf();
        };
    }
}
