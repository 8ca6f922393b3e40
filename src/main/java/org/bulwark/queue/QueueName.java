package org.bulwark.queue;

/** The queue directories, as Postfix names them. */
public enum QueueName {
    /** Being written; nothing here was ever acknowledged. */
    INCOMING,
    /** Acknowledged and waiting for, or in, delivery. */
    ACTIVE,
    /** A delivery attempt failed temporarily; retried at the file's next-attempt time. */
    DEFERRED,
    /** Held by the administrator; never scheduled. */
    HOLD,
    /** Unreadable files, kept for the administrator. */
    CORRUPT;

    public String directoryName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
