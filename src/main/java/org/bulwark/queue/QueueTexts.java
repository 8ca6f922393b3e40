package org.bulwark.queue;

import org.bulwark.mail.QueueId;

/** The queue's texts for the maillog, worded in one place. */
final class QueueTexts {

    private QueueTexts() {
    }

    static String corrupt(QueueId id, String problem) {
        return id + ": unreadable queue file (" + problem + ")";
    }

    static String movedToCorrupt(QueueName from, String corruptMessage) {
        return "warning: " + corruptMessage + ": moved from " + from.directoryName() + " to corrupt";
    }

    static String removedIncoming(String fileName) {
        return fileName + ": removed incomplete queue file from incoming";
    }
}
