package org.bulwark.restrict;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.dns.ClientNames;
import org.bulwark.mail.MailAddress;
import org.bulwark.tls.ClientCertificate;
import org.bulwark.tls.TlsSummary;

/**
 * Builds an {@link SmtpdContext} from {@code key=value} words, as the golden file writes probes;
 * {@code reverse=} sets the PTR name apart from {@code name=}, and {@code namefail} /
 * {@code reversefail} make the client name lookups temporary failures; {@code tls} makes the session
 * encrypted, {@code ccert=FP} (with {@code ccertkey=}, {@code ccertcn=}, {@code ccerttrusted})
 * gives it a client certificate.
 */
final class Probes {

    private Probes() {
    }

    static SmtpdContext context(String words) {
        Map<String, String> v = new HashMap<>();
        for (String word : words.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            int eq = word.indexOf('=');
            v.put(eq < 0 ? word : word.substring(0, eq), eq < 0 ? "" : word.substring(eq + 1));
        }
        try {
            SmtpdContext context = new SmtpdContext(
                    InetAddress.getByName(v.getOrDefault("client", "192.0.2.1")),
                    v.getOrDefault("name", "unknown"),
                    v.getOrDefault("reverse", v.getOrDefault("name", "unknown")),
                    v.get("helo"),
                    address(v.get("sender")),
                    address(v.get("rcpt")),
                    v.get("sasl"),
                    v.getOrDefault("proto", "ESMTP"),
                    Integer.parseInt(v.getOrDefault("count", "0")),
                    0,
                    v.containsKey("pipelined"));
            if (v.containsKey("namefail") || v.containsKey("reversefail")) {
                ClientNames.Status name = v.containsKey("namefail") ? ClientNames.Status.TEMPORARY : context.nameStatus();
                ClientNames.Status reverse = v.containsKey("reversefail")
                        ? ClientNames.Status.TEMPORARY : context.reverseStatus();
                context = context.withClientNames(new ClientNames(context.clientName(), name, context.reverseName(),
                        reverse));
            }
            if (v.containsKey("tls") || v.containsKey("ccert")) {
                ClientCertificate certificate = !v.containsKey("ccert") ? null : new ClientCertificate(
                        v.getOrDefault("ccertcn", "client.example"), "Example CA", v.get("ccert"),
                        v.getOrDefault("ccertkey", "00:00"), v.containsKey("ccerttrusted"),
                        v.containsKey("ccerttrusted") ? null : "self-signed certificate");
                context = context.withTls(new TlsSummary("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, certificate, true));
            }
            return context;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("probes take IP addresses only: " + words, e);
        }
    }

    private static MailAddress address(String text) {
        if (text == null) {
            return null;
        }
        return text.equals("<>") ? MailAddress.NULL_SENDER : MailAddress.of(text);
    }
}
