package org.bulwark.milter;

import java.util.Locale;
import java.util.Map;

/**
 * The values behind the macro names, for one session, as Postfix's smtpd_milter.c computes them.
 * Filled stage by stage by {@link MilterSession}; a macro without a value gets its
 * milter_macro_defaults value, and without one it is not sent.
 */
final class MacroValues {

    private final String myhostname;
    private final String daemonName;
    private final String v;
    /** milter_macro_defaults by name without braces. */
    private final Map<String, String> defaults;
    MilterFacts.Client client;
    MilterFacts.Tls tls;
    MilterFacts.Auth auth;
    MilterFacts.Address sender;
    MilterFacts.Address recipient;
    String queueId;

    MacroValues(String myhostname, String daemonName, String v, Map<String, String> defaults) {
        this.myhostname = myhostname;
        this.daemonName = daemonName;
        this.v = v;
        this.defaults = defaults;
    }

    /** The value of a macro ("j" or "{name}" or "name"), its default, or null when it has neither now. */
    String value(String macro) {
        String name = bare(macro);
        String value = known(name);
        return value != null || defaults.isEmpty() ? value : defaults.get(name);
    }

    /** A macro's name without braces: "{j}" and "j" are the same macro, as in Postfix. */
    static String bare(String macro) {
        return macro.startsWith("{") && macro.endsWith("}") ? macro.substring(1, macro.length() - 1) : macro;
    }

    private String known(String name) {
        return switch (name) {
            case "j" -> myhostname;
            case "daemon_name" -> daemonName;
            case "v" -> v;
            case "_" -> client == null ? null : underscore();
            case "client_addr" -> client == null ? null : client.address();
            case "client_port" -> client == null ? null : Integer.toString(client.port());
            case "client_name" -> client == null ? null : client.name();
            case "client_ptr" -> client == null ? null : client.reverseName();
            case "daemon_addr" -> client == null ? null : client.daemonAddress();
            case "daemon_port" -> client == null ? null : Integer.toString(client.daemonPort());
            case "tls_version" -> tls == null ? null : tls.protocol();
            case "cipher" -> tls == null ? null : tls.cipher();
            case "cipher_bits" -> tls == null ? null : Integer.toString(tls.bits());
            case "cert_subject" -> tls == null ? null : tls.certSubject();
            case "cert_issuer" -> tls == null ? null : tls.certIssuer();
            case "i" -> queueId;
            case "auth_type" -> auth == null ? null : auth.mechanism();
            case "auth_authen" -> auth == null ? null : auth.username();
            case "auth_author" -> auth == null ? null : auth.sender();
            case "mail_addr" -> sender == null ? null : sender.address();
            case "mail_host" -> sender == null ? null : sender.host();
            case "mail_mailer" -> sender == null ? null : sender.transport();
            case "rcpt_addr" -> recipient == null ? null : recipient.address();
            case "rcpt_host" -> recipient == null ? null : recipient.host();
            case "rcpt_mailer" -> recipient == null ? null : recipient.transport();
            default -> null;
        };
    }

    /** Sendmail's {@code $_}: "ptr [addr]", with "(may be forged)" when the name did not verify. */
    private String underscore() {
        String s = client.reverseName() + " [" + client.address() + "]";
        return client.name().toLowerCase(Locale.ROOT).equals(client.reverseName().toLowerCase(Locale.ROOT))
                ? s : s + " (may be forged)";
    }
}
