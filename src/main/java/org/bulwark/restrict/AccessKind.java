package org.bulwark.restrict;

/**
 * Which access(5) lookup a {@code check_*_access} restriction does; also the kind a bare
 * {@code type:table} in a list stands for (the stage's own, as in Postfix).
 */
enum AccessKind {
    CLIENT("check_client_access"),
    REVERSE_CLIENT("check_reverse_client_hostname_access"),
    HELO("check_helo_access"),
    SENDER("check_sender_access"),
    RECIPIENT("check_recipient_access"),
    ETRN("check_etrn_access");

    private final String restrictionName;

    AccessKind(String restrictionName) {
        this.restrictionName = restrictionName;
    }

    String restrictionName() {
        return restrictionName;
    }

    /** The kind a bare table in the stage's list means, or null where there is none. */
    static AccessKind defaultFor(Stage stage) {
        return switch (stage) {
            case CONNECT -> CLIENT;
            case HELO -> HELO;
            case MAIL -> SENDER;
            case RCPT -> RECIPIENT;
            case ETRN -> ETRN;
            case DATA, END_OF_DATA -> null;
        };
    }
}
