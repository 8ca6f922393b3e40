package org.bulwark.bounce;

import java.time.Duration;
import java.util.Locale;

/** Every text of the notices, in Postfix's bounce templates' wording (bounce.cf.default). */
final class NoticeTexts {

    private NoticeTexts() {
    }

    static final String FROM_NAME = "Mail Delivery System";
    static final String MIME_PREAMBLE = "This is a MIME-encapsulated message.";

    static String subject(NoticeKind kind, boolean postmasterCopy) {
        return switch (kind) {
            case FAILURE -> postmasterCopy ? "Postmaster Copy: Undelivered Mail" : "Undelivered Mail Returned to Sender";
            case DELAY -> postmasterCopy ? "Postmaster Warning: Delayed Mail" : "Delayed Mail (still being retried)";
            case SUCCESS -> "Successful Mail Delivery Report";
        };
    }

    static String intro(NoticeKind kind, String hostname, Duration delayed, Duration lifetime) {
        String head = "This is the mail system at host " + hostname + ".\n\n";
        return switch (kind) {
            case FAILURE -> head
                    + "I'm sorry to have to inform you that your message could not\n"
                    + "be delivered to one or more recipients. It's attached below.\n\n"
                    + "For further assistance, please send mail to postmaster.\n\n"
                    + "If you do so, please include this problem report. You can\n"
                    + "delete your own text from the attached returned message.\n\n"
                    + "                   The mail system\n";
            case DELAY -> head
                    + "####################################################################\n"
                    + "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
                    + "####################################################################\n\n"
                    + "Your message could not be delivered for " + hours(delayed) + " hour(s).\n"
                    + "It will be retried until it is " + days(lifetime) + " day(s) old.\n\n"
                    + "For further assistance, please send mail to postmaster.\n\n"
                    + "If you do so, please include this problem report. You can\n"
                    + "delete your own text from the attached returned message.\n\n"
                    + "                   The mail system\n";
            case SUCCESS -> head
                    + "Your message was successfully delivered to the destination(s)\n"
                    + "listed below. If the message was delivered to mailbox you will\n"
                    + "receive no further notifications. Otherwise you may still receive\n"
                    + "notifications of mail delivery errors from other systems.\n\n"
                    + "                   The mail system\n";
        };
    }

    /** One recipient's line in the readable part: {@code <addr>: reason}. */
    static String recipientLine(String address, String original, String diagnostic) {
        String who = original != null && !original.equalsIgnoreCase(address)
                ? "<" + address + "> (expanded from <" + original + ">)" : "<" + address + ">";
        return who + ": " + diagnostic + "\n";
    }

    static String notificationDescription() {
        return "Notification";
    }

    static String reportDescription() {
        return "Delivery report";
    }

    static String originalDescription(NoticeKind kind, boolean headersOnly) {
        String what = kind == NoticeKind.SUCCESS ? "Delivered Message" : "Undelivered Message";
        return headersOnly ? what + " Headers" : what;
    }

    /** Log lines: {@code QUEUEID: sender non-delivery notification: NEWID}. */
    static String logged(NoticeKind kind, boolean postmaster) {
        String who = postmaster ? "postmaster" : "sender";
        return who + " " + switch (kind) {
            case FAILURE -> "non-delivery notification";
            case DELAY -> "delay status notification";
            case SUCCESS -> "delivery status notification";
        };
    }

    static String discarded() {
        return "postmaster non-delivery notification discarded: the sender is the double-bounce address";
    }

    private static String hours(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toMinutes() / 60.0);
    }

    private static String days(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toHours() / 24.0);
    }
}
