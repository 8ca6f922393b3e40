package org.bulwark.mail;

/**
 * One envelope recipient: the address mail is for, the original recipient (RFC 3461 ORCPT, or the
 * address as first received) and the DSN NOTIFY value (dsnNotify) as received ({@code null} when absent).
 */
public record Recipient(MailAddress address, String originalRecipient, String dsnNotify) {

    public static Recipient of(MailAddress address) {
        return new Recipient(address, null, null);
    }
}
