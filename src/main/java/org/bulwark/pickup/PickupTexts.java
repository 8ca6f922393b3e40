package org.bulwark.pickup;

import org.bulwark.mail.SmtpReply;

/** pickup's words about non_smtpd_milters, in Postfix's cleanup's forms. */
final class PickupTexts {

    private PickupTexts() {
    }

    /** The text of Postfix's milter-discard log line. */
    static final String MILTER_DISCARD = "milter triggers DISCARD action";

    /** A milter refused one recipient of a local submission: Postfix's cleanup calls it a configuration error. */
    static final SmtpReply RECIPIENT_REFUSED = SmtpReply.of(451, "4.3.5", "Server configuration error");

    /**
     * {@code ID: milter-reject: END-OF-MESSAGE from localhost[127.0.0.1]: 5.7.1 Command rejected;
     * from=<root@example.com>}, as Postfix's cleanup logs a milter's verdict on local mail.
     */
    static String milterLine(String queueId, String action, String stage, String text, String sender) {
        return queueId + ": " + action + ": " + stage + " from localhost[127.0.0.1]: " + text + "; from=<" + sender + ">";
    }
}
