package org.bulwark.queue;

import java.util.List;
import org.bulwark.mail.MailAddress;

/**
 * One delivery to one transport and nexthop. Each target is a queue-file recipient, the address
 * it resolved to (after alias rewriting), and that address is what the agent delivers to.
 */
public record DeliveryRequest(QueuedMessage message, String nexthop, List<Target> targets) {

    public DeliveryRequest {
        targets = List.copyOf(targets);
    }

    /** @param recipient the queue file's recipient; {@code address} the final address to deliver to. */
    public record Target(RecipientState recipient, MailAddress address) {
    }
}
