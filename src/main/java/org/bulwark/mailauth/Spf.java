package org.bulwark.mailauth;

import java.net.InetAddress;
import java.util.Locale;
import org.bulwark.dns.DnsResolver;
import org.bulwark.mail.MailAddress;

/**
 * The SPF verifier (RFC 7208): evaluates the sender's policy for the client's address and
 * returns the result, the explanation and the Received-SPF header. Thread-safe; each check keeps
 * its own lookup counters.
 *
 * <pre>{@code
 * Spf spf = new Spf(DnsResolver.create(config), "mx.example.org");
 * SpfResult r = spf.check(clientAddress, heloName, sender);
 * }</pre>
 */
public final class Spf {

    private final DnsResolver dns;
    private final String receiver;

    /** @param receiver this host's name ({@code myhostname}), for {@code %{r}} and Received-SPF */
    public Spf(DnsResolver dns, String receiver) {
        this.dns = dns;
        this.receiver = receiver;
    }

    /**
     * The MAIL FROM check (RFC 7208 §2.4): the sender's domain, or for the null sender the HELO
     * name as {@code postmaster@helo}. A sender without a local part counts as {@code postmaster} (§4.3).
     */
    public SpfResult check(InetAddress client, String helo, MailAddress sender) {
        String heloName = helo == null ? "" : helo;
        if (sender == null || sender.isNullSender() || sender.domain() == null) {
            return checkHelo(client, heloName);
        }
        String local = sender.localPart().isEmpty() ? "postmaster" : sender.localPart();
        return evaluate(client, heloName, local, sender.domain(), "mailfrom", local + "@" + sender.domain());
    }

    /** The HELO check (RFC 7208 §2.3): the identity is {@code postmaster@helo}. */
    public SpfResult checkHelo(InetAddress client, String helo) {
        String heloName = helo == null ? "" : helo;
        return evaluate(client, heloName, "postmaster", heloName, "helo", "postmaster@" + heloName);
    }

    private SpfResult evaluate(InetAddress client, String helo, String local, String domain, String identity,
                               String sender) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        SpfEvaluation evaluation = new SpfEvaluation(dns, client, helo, local, d, sender, receiver);
        SpfEvaluation.Outcome outcome = evaluation.run();
        String header = MailAuthTexts.receivedSpf(outcome.result(), receiver, identity, sender,
                client, helo, outcome.detail());
        return new SpfResult(outcome.result(), outcome.explanation(), identity, d.toLowerCase(Locale.ROOT), header);
    }
}
