package org.bulwark.queue;

import org.bulwark.mail.Recipient;

/** A recipient in a queue file with its index there and whether it is finished (sent or bounced). */
public record RecipientState(int index, Recipient recipient, boolean done) {
}
