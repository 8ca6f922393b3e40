package org.bulwark.restrict;

import org.bulwark.util.IpAddresses;
import java.net.InetAddress;
import org.bulwark.mail.MailAddress;

/**
 * What a reply names: {@code <name>: Class rejected: ...}. Postfix's reply_name and reply_class
 * (the class words are in {@link RestrictTexts}).
 */
record Subject(String name, String replyClass) {

    static Subject client(SmtpdContext context) {
        return new Subject(clientNameAddress(context), RestrictTexts.CLIENT);
    }

    static Subject helo(SmtpdContext context) {
        return new Subject(context.helo(), RestrictTexts.HELO);
    }

    static Subject sender(SmtpdContext context) {
        return new Subject(name(context.givenSender()), RestrictTexts.SENDER);
    }

    static Subject recipient(SmtpdContext context) {
        return new Subject(name(context.givenRecipient()), RestrictTexts.RECIPIENT);
    }

    /** The subject a stage's own list speaks about (for reject, defer, reject_unauth_pipelining). */
    static Subject of(Stage stage, SmtpdContext context) {
        return switch (stage) {
            case CONNECT -> client(context);
            case HELO -> helo(context);
            case MAIL -> sender(context);
            case RCPT -> recipient(context);
            case DATA -> new Subject("DATA", RestrictTexts.DATA);
            case END_OF_DATA -> new Subject("END-OF-MESSAGE", RestrictTexts.END_OF_DATA);
            case ETRN -> new Subject(context.recipient() == null ? "" : context.recipient().domain(), RestrictTexts.ETRN);
        };
    }

    /** {@code name[address]}, as Postfix names a client. */
    static String clientNameAddress(SmtpdContext context) {
        String name = context.clientName() == null ? "unknown" : context.clientName();
        return name + "[" + hostAddress(context.clientAddress()) + "]";
    }

    /**
     * An address as Postfix prints it: IPv6 in its short form (RFC 5952 §4: lower case, the
     * longest run of two or more zero groups as {@code ::}), which is also the form access
     * tables key on.
     */
    static String hostAddress(InetAddress address) {
        return IpAddresses.format(address);
    }

    /** An address in the internal form a reply quotes it in; the null sender is "". */
    static String name(MailAddress address) {
        return address == null ? "" : address.internal();
    }
}
