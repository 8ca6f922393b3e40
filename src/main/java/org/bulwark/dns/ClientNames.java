package org.bulwark.dns;

/**
 * What DNS says about a client's address, as Postfix's smtpd keeps it: the forward-confirmed
 * name ({@code client_name}) and the PTR name ({@code reverse_client_name}), each {@code unknown}
 * when there is none, with whether that is final or a temporary failure. The difference decides
 * between {@code unknown_client_reject_code} and a 450 for reject_unknown_client_hostname.
 */
public record ClientNames(String name, Status nameStatus, String reverseName, Status reverseStatus) {

    /** Postfix's SMTPD_PEER_CODE_OK, _TEMP and _PERM. */
    public enum Status {
        OK,
        TEMPORARY,
        PERMANENT
    }

    public static final String UNKNOWN = "unknown";

    /** A client no lookup was made for (smtpd_peername_lookup = no). */
    public static final ClientNames NONE = new ClientNames(UNKNOWN, Status.PERMANENT, UNKNOWN, Status.PERMANENT);

    /** A client whose PTR name is also forward-confirmed. */
    public static ClientNames verified(String name) {
        return new ClientNames(name, Status.OK, name, Status.OK);
    }
}
