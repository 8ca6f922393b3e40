package org.bulwark.mailauth;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.mail.MailAddress;

/**
 * Everything cleanup needs from this package, built once from the configuration: the signing
 * keys, and for mail from outside the SPF, DKIM and DMARC checks that end in one
 * Authentication-Results header. Thread-safe.
 */
public final class MailAuthentication {

    /** What to do with a message that fails DMARC under a reject or quarantine policy. */
    public enum Enforcement { REJECT, QUARANTINE, REPORT }

    private final DkimSigningTable keys;
    private final DkimSigner signer;
    private final boolean verifying;
    private final String authservId;
    private final Enforcement enforcement;
    private final Spf spf;
    private final DkimVerifier verifier;
    private final Dmarc dmarc;
    private final List<String> warnings;

    private MailAuthentication(DkimSigningTable keys, DkimSigner signer, boolean verifying, String authservId,
                               Enforcement enforcement, Spf spf, DkimVerifier verifier, Dmarc dmarc, List<String> warnings) {
        this.keys = keys;
        this.signer = signer;
        this.verifying = verifying;
        this.authservId = authservId;
        this.enforcement = enforcement;
        this.spf = spf;
        this.verifier = verifier;
        this.dmarc = dmarc;
        this.warnings = List.copyOf(warnings);
    }

    /** @throws ConfigException for a bad key, table or setting */
    public static MailAuthentication create(Config config) {
        Path dir = config.configDirectory();
        DkimSigningTable keys = DkimSigningTable.create(text(config, "dkim_signing_table"), text(config, "dkim_key_table"),
                text(config, "dkim_private_key"), text(config, "dkim_domain"), text(config, "dkim_selector"), dir);
        String c = text(config, "dkim_canonicalization");
        DkimSigner signer;
        try {
            int slash = c.indexOf('/');
            DkimCanonicalization header = DkimCanonicalization.of(slash < 0 ? c : c.substring(0, slash));
            DkimCanonicalization body = slash < 0 ? DkimCanonicalization.SIMPLE : DkimCanonicalization.of(c.substring(slash + 1));
            List<String> headers = config.list("dkim_signed_headers");
            signer = new DkimSigner(header, body, headers.isEmpty() ? DkimSigner.DEFAULT_HEADERS : headers);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(MailAuthTexts.badCanonicalization(c));
        }
        boolean verifying = config.bool("authentication_results");
        String authservId = text(config, "authserv_id");
        if (authservId.isEmpty()) {
            authservId = text(config, "myhostname");
        }
        Enforcement enforcement = Enforcement.valueOf(text(config, "dmarc_enforcement").toUpperCase(Locale.ROOT));
        List<String> warnings = new ArrayList<>();
        Spf spf = null;
        DkimVerifier verifier = null;
        Dmarc dmarc = null;
        if (verifying) {
            DnsResolver dns = DnsResolver.create(config);
            spf = new Spf(dns, text(config, "myhostname"));
            verifier = new DkimVerifier(dns);
            try {
                dmarc = new Dmarc(dns, PublicSuffixList.load(Path.of(text(config, "public_suffix_list"))));
            } catch (IOException e) {
                warnings.add(MailAuthTexts.dmarcDisabled(e.getMessage()));
            }
        }
        return new MailAuthentication(keys, signer, verifying, authservId, enforcement, spf, verifier, dmarc, warnings);
    }

    private static String text(Config config, String name) {
        String value = config.get(name);
        return value == null ? "" : value.strip();
    }

    /** Problems that do not stop the server (a missing Public Suffix List), for the log. */
    public List<String> warnings() {
        return warnings;
    }

    public boolean signing() {
        return !keys.isEmpty();
    }

    public boolean verifying() {
        return verifying;
    }

    public Enforcement enforcement() {
        return enforcement;
    }

    /** The keys for a message, by its From header, or the envelope sender when From has no single address. */
    public List<DkimSigningKey> keysFor(List<HeaderField> headers, MailAddress sender) {
        List<HeaderField> froms = headers.stream().filter(h -> h.is("From")).toList();
        if (froms.size() == 1) {
            String domain = Dmarc.fromDomain(froms.getFirst().value());
            if (domain != null) {
                return keys.keysFor(new MailAddress("postmaster", domain));
            }
        }
        return keys.keysFor(sender);
    }

    public DkimSigner signer() {
        return signer;
    }

    /** Whether an inbound Authentication-Results field claims to be ours and must go (RFC 8601 §5). */
    public boolean isOurs(HeaderField field) {
        return AuthenticationResults.claims(field, authservId);
    }

    /** Starts the checks of one inbound message; its body follows. */
    public Inbound inbound(List<HeaderField> headers) {
        return new Inbound(headers, verifier.start(headers));
    }

    /** The outcome for one inbound message. */
    public record Verdict(String header, SpfResult spf, List<DkimResult> dkim, DmarcResult dmarc) {

        /** Whether DMARC asks to refuse the message and enforcement says to. */
        public boolean reject(Enforcement enforcement) {
            return dmarc != null && dmarc.shouldReject() && enforcement == Enforcement.REJECT;
        }

        /** The text of the 550 5.7.1 reply to a message that DMARC rejects. */
        public String rejectText() {
            return MailAuthTexts.dmarcRejectText(dmarc == null ? "" : dmarc.fromDomain());
        }

        public boolean quarantine(Enforcement enforcement) {
            return dmarc != null && enforcement != Enforcement.REPORT
                    && (dmarc.shouldQuarantine() || dmarc.shouldReject() && enforcement == Enforcement.QUARANTINE);
        }
    }

    /** One inbound message between its headers and its verdict. */
    public final class Inbound {

        private final List<HeaderField> headers;
        private final DkimVerifier.Verification verification;

        private Inbound(List<HeaderField> headers, DkimVerifier.Verification verification) {
            this.headers = headers;
            this.verification = verification;
        }

        public OutputStream body() {
            return verification.body();
        }

        /** @param helo the client's HELO name, or null */
        public Verdict finish(InetAddress client, String helo, MailAddress sender) {
            SpfResult spfResult = spf.check(client, helo, sender);
            List<DkimResult> dkim = verification.finish();
            DmarcResult dmarcResult = dmarc == null ? null : dmarc.evaluate(headers, spfResult, dkim);
            String header = AuthenticationResults.header(authservId, spfResult, dkim, dmarcResult);
            return new Verdict(header, spfResult, dkim, dmarcResult);
        }
    }
}
