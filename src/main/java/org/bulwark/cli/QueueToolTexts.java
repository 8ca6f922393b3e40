package org.bulwark.cli;

/** What postqueue, postsuper and postcat say, in Postfix's words, in one place. */
final class QueueToolTexts {

    private QueueToolTexts() {
    }

    static String deleted(int n) {
        return "postsuper: Deleted: " + n + " message" + (n == 1 ? "" : "s");
    }

    static String held(int n) {
        return "postsuper: Placed on hold: " + n + " message" + (n == 1 ? "" : "s");
    }

    static String released(int n) {
        return "postsuper: Released from hold: " + n + " message" + (n == 1 ? "" : "s");
    }

    static String requeued(int n) {
        return "postsuper: Requeued: " + n + " message" + (n == 1 ? "" : "s");
    }

    static String noSuchMessage(String tool, String id) {
        return tool + ": warning: " + id + ": no such message";
    }

    static String badQueueId(String tool, String id) {
        return tool + ": fatal: invalid queue ID: " + id;
    }

    static String unknownQueue(String name) {
        return "postsuper: fatal: invalid directory name: " + name;
    }

    static String needsOneAction(String tool) {
        return tool + ": fatal: specify exactly one of the actions (see --help)";
    }

    static String notFoundForPostcat(String id) {
        return "postcat: fatal: no message file for queue ID " + id;
    }

    static String envelopeHeader(String where) {
        return "*** ENVELOPE RECORDS " + where + " ***";
    }

    static String contentHeader(String where) {
        return "*** MESSAGE CONTENTS " + where + " ***";
    }

    static String endHeader(String where) {
        return "*** MESSAGE FILE END " + where + " ***";
    }

    /** The maillog line postsuper writes per message, as Postfix's does. */
    static String logRemoved(String id) {
        return id + ": removed";
    }

    static String logHeld(String id) {
        return id + ": placed on hold";
    }

    static String logReleased(String id) {
        return id + ": released from hold";
    }

    static String logRequeued(String id) {
        return id + ": requeued";
    }
}
