package org.bulwark.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.QueuedMessage;

/**
 * Postfix's forwarding loop detector: a message that already carries {@code Delivered-To:} with
 * this recipient went round in a circle (a .forward or alias pointing back through another
 * machine), and delivering it again would only send it round once more.
 */
public final class DeliveredTo {

    private DeliveredTo() {
    }

    /** Whether the message's header already has {@code Delivered-To: recipient}; reads the header only. */
    public static boolean alreadyDeliveredTo(QueuedMessage message, MailAddress recipient) throws IOException {
        String external = recipient.external().toLowerCase(Locale.ROOT);
        String internal = recipient.internal().toLowerCase(Locale.ROOT);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(message.openContent(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                if (line.regionMatches(true, 0, "Delivered-To:", 0, "Delivered-To:".length())) {
                    String value = line.substring("Delivered-To:".length()).strip().toLowerCase(Locale.ROOT);
                    if (value.equals(external) || value.equals(internal)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
