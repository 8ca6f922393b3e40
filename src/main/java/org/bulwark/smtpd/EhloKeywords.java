package org.bulwark.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The EHLO keywords of a session: the service's own, plus STARTTLS (RFC 3207) before TLS and AUTH
 * (RFC 4954) where allowed, in Postfix's place after ETRN; {@code AUTH=} as well for old clients
 * with broken_sasl_auth_clients.
 */
final class EhloKeywords {

    private static final Set<String> AFTER_AUTH = Set.of("ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8",
            "CHUNKING");

    private EhloKeywords() {
    }

    static List<String> of(SmtpdSettings settings, SecuritySettings security, boolean encrypted,
            boolean authenticated) {
        return of(settings, security, encrypted, authenticated, null);
    }

    /**
     * As {@link #of(SmtpdSettings, SecuritySettings, boolean, boolean)}, with XCLIENT and XFORWARD
     * for a client in smtpd_authorized_xclient_hosts or smtpd_authorized_xforward_hosts (null: none).
     */
    static List<String> of(SmtpdSettings settings, SecuritySettings security, boolean encrypted,
            boolean authenticated, java.net.InetAddress client) {
        List<String> keywords = new ArrayList<>(settings.ehloKeywords());
        List<String> added = new ArrayList<>();
        if (security.offersStartTls() && !encrypted && settings.offers("STARTTLS")) {
            added.add("STARTTLS");
        }
        if (security.sasl() != null && settings.offers("AUTH") && (encrypted || !security.tlsAuthOnly())
                && !authenticated) {
            List<String> mechanisms = security.sasl().offered(encrypted);
            if (!mechanisms.isEmpty()) {
                added.add("AUTH " + String.join(" ", mechanisms));
                if (security.brokenSaslAuthClients()) {
                    added.add("AUTH=" + String.join(" ", mechanisms));
                }
            }
        }
        // Postfix's place: after AUTH, before ENHANCEDSTATUSCODES; never to others (they would learn who is trusted).
        if (client != null && settings.offers("XCLIENT") && settings.xclientHosts().matches(client)) {
            added.add(XclientCommands.XCLIENT_KEYWORD);
        }
        if (client != null && settings.offers("XFORWARD") && settings.xforwardHosts().matches(client)) {
            added.add(XclientCommands.XFORWARD_KEYWORD);
        }
        int at = keywords.size();
        for (int i = 0; i < keywords.size(); i++) {
            if (AFTER_AUTH.contains(keywords.get(i))) {
                at = i;
                break;
            }
        }
        keywords.addAll(at, added);
        return keywords;
    }
}
