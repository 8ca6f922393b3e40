package org.bulwark.verify;

/**
 * What is known of an address, with Postfix's recipient status numbers (DEL_RCPT_STAT_*), which
 * are also what the cache stores.
 */
public enum VerifyStatus {
    /** A probe found the address deliverable. */
    OK(0),
    /** A probe was deferred: the address could not be checked for now. */
    DEFER(1),
    /** A probe bounced: the address is undeliverable. */
    BOUNCE(2),
    /** Nothing is known yet: a probe is on its way. */
    TODO(3);

    final int code;

    VerifyStatus(int code) {
        this.code = code;
    }

    static VerifyStatus ofCode(int code) {
        for (VerifyStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }

    /** How a delivery agent's probe line names the result: {@code status=deliverable}, {@code undeliverable}. */
    public String logName() {
        return this == OK ? "deliverable" : "undeliverable";
    }
}
