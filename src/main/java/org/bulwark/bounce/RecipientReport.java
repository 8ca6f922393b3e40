package org.bulwark.bounce;

import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;

/**
 * What happened to one recipient, for the per-recipient fields of RFC 3464 §2.3.
 *
 * @param recipient the queue file's recipient (its ORCPT and NOTIFY)
 * @param finalAddress the address delivery was attempted to (after aliases)
 * @param status the RFC 3463 code, e.g. {@code 5.1.1}
 * @param relay the {@code relay=} of the attempt ({@code host[ip]:port}, {@code none}, {@code local})
 * @param diagnostic the reason as the log shows it
 */
public record RecipientReport(Recipient recipient, MailAddress finalAddress, String status, String relay,
        String diagnostic) {
}
