package org.bulwark.delivery;

/**
 * A delivery that did not happen, with the RFC 3463 status and the reason for the log. A
 * {@code 4.x.x} status is temporary (the queue manager tries again), a {@code 5.x.x} one permanent.
 */
public final class DeliveryFailure extends Exception {

    private final String dsn;

    public DeliveryFailure(String dsn, String reason) {
        super(reason, null, false, false);
        this.dsn = dsn;
    }

    public static DeliveryFailure temporary(String dsn, String reason) {
        return new DeliveryFailure(dsn, reason);
    }

    public String dsn() {
        return dsn;
    }

    public boolean isPermanent() {
        return dsn.startsWith("5");
    }
}
