package org.bulwark.bounce;

/** The three notices the mail system sends about a message, with the RFC 3464 §2.3.3 action. */
public enum NoticeKind {
    /** Recipients that bounced or expired: {@code Action: failed}. */
    FAILURE("failed", "FAILURE"),
    /** Recipients still being retried after delay_warning_time: {@code Action: delayed}. */
    DELAY("delayed", "DELAY"),
    /** Recipients delivered that asked for NOTIFY=SUCCESS: {@code Action: delivered}. */
    SUCCESS("delivered", "SUCCESS");

    private final String action;
    private final String notifyKeyword;

    NoticeKind(String action, String notifyKeyword) {
        this.action = action;
        this.notifyKeyword = notifyKeyword;
    }

    public String action() {
        return action;
    }

    /**
     * RFC 3461 §4.1: no NOTIFY means FAILURE and DELAY (our choice, as Postfix's); NEVER means
     * nothing; otherwise only the keywords listed.
     */
    public boolean wanted(String notify) {
        if (notify == null || notify.isBlank()) {
            return this != SUCCESS;
        }
        for (String word : notify.toUpperCase(java.util.Locale.ROOT).split(",")) {
            if (word.trim().equals(notifyKeyword)) {
                return true;
            }
        }
        return false;
    }
}
