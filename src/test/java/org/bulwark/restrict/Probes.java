package org.bulwark.restrict;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.mail.MailAddress;

/** Builds an {@link SmtpdContext} from {@code key=value} words, as the golden file writes probes. */
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
            return new SmtpdContext(
                    InetAddress.getByName(v.getOrDefault("client", "192.0.2.1")),
                    v.getOrDefault("name", "unknown"),
                    v.getOrDefault("name", "unknown"),
                    v.get("helo"),
                    address(v.get("sender")),
                    address(v.get("rcpt")),
                    v.get("sasl"),
                    v.getOrDefault("proto", "ESMTP"),
                    Integer.parseInt(v.getOrDefault("count", "0")),
                    0,
                    v.containsKey("pipelined"));
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
