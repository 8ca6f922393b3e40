package org.bulwark.delivery;

/**
 * Every outcome text the local and virtual delivery agents report, worded once and as Postfix's
 * local(8) and virtual(8) log them, so log readers and bounce messages see familiar words.
 */
public final class DeliveryTexts {

    private DeliveryTexts() {
    }

    public static final String DELIVERED_TO_MAILDIR = "delivered to maildir";
    public static final String DELIVERED_TO_MAILBOX = "delivered to mailbox";
    /** An address verification probe's results, as Postfix's agents word what they would do. */
    public static final String DELIVERS_TO_MAILDIR = "delivers to maildir";
    public static final String DELIVERS_TO_MAILBOX = "delivers to mailbox";

    public static String deliversToFile(String path) {
        return "delivers to file: " + path;
    }

    public static String deliversToCommand(String command) {
        return "delivers to command: " + command;
    }

    public static String forwardsTo(String addresses) {
        return "forwards to " + addresses;
    }


    public static String deliveredToFile(String path) {
        return "delivered to file: " + path;
    }

    public static String deliveredToCommand(String command) {
        return "delivered to command: " + command;
    }

    public static String forwardedAs(String queueId) {
        return "forwarded as " + queueId;
    }

    /** virtual(8) shows the full address, local(8) only the local part. */
    /** mailbox_transport names a transport no master.cf service delivers with (or local itself). */
    public static String mailboxTransportUnavailable(String transport) {
        return "mailbox_transport " + transport + " is not a delivery service in master.cf";
    }

    public static String unknownUser(String who) {
        return "unknown user: \"" + who + "\"";
    }

    public static final String EXPANDED_TO_NOTHING = "alias expanded to no new destination";

    public static String maildirFailed(String reason) {
        return "maildir delivery failed: " + reason;
    }

    public static String mailboxFailed(String reason) {
        return "cannot update mailbox: " + reason;
    }

    public static String unsafeMailbox(String path) {
        return "cannot update mailbox " + path + ": not a regular file with one link, or not writable by its owner";
    }

    public static String mailboxLocked(String lockFile) {
        return "unable to lock for exclusive access: " + lockFile + " exists";
    }

    public static String mailboxTooLarge(String path) {
        return "cannot update mailbox " + path + ": file size limit exceeded";
    }

    public static final String MBOX_NOT_SUPPORTED = "mailbox delivery is not supported, use a Maildir (a path ending in /)";

    public static String mailboxOutsideBase(String path) {
        return "mailbox path " + path + " is outside virtual_mailbox_base";
    }

    public static String uidNotFound(String who, String parameter) {
        return "recipient " + who + ": " + parameter + " lookup failed or returned no number";
    }

    public static String uidTooLow(String who, long uid) {
        return "recipient " + who + ": bad uid " + uid + " in virtual_uid_maps";
    }

    public static String tableFailed(String table) {
        return "table " + table + " lookup failed";
    }

    public static final String FILE_RESTRICTED = "mail to file is restricted";
    public static final String COMMAND_RESTRICTED = "mail to command is restricted";

    public static String commandDied(int status, String command, String output) {
        return "Command died with status " + status + ": \"" + command + "\"" + (output.isEmpty() ? "" : ". Command output: " + output);
    }

    public static String commandTimedOut(String command) {
        return "Command time limit exceeded: \"" + command + "\"";
    }

    public static String commandFailed(String command, String reason) {
        return "cannot run command \"" + command + "\": " + reason;
    }

    public static String includeFailed(String path, String reason) {
        return "cannot open include file " + path + ": " + reason;
    }

    public static String forwardingLoop(String address) {
        return "mail forwarding loop for " + address;
    }

    public static String queueFileUnreadable(String reason) {
        return "cannot read the queued message: " + reason;
    }

    public static final String FORWARDING_UNAVAILABLE = "forwarding to a remote address is not available in this configuration";

    public static String forwardingFailed(String reason) {
        return "cannot forward message: " + reason;
    }

    public static String privilegesUnavailable(String user) {
        return "cannot run as user " + user + ": no such user or no setpriv";
    }
}
