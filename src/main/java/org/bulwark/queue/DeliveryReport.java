package org.bulwark.queue;

import java.util.List;

/** What a delivery agent did with each target of a {@link DeliveryRequest}. */
public record DeliveryReport(List<Outcome> outcomes) {

    public DeliveryReport {
        outcomes = List.copyOf(outcomes);
    }

    public enum Status { SENT, DEFERRED, BOUNCED }

    /**
     * @param target the request's target
     * @param relay  the {@code relay=} log field, e.g. {@code local}, {@code virtual}, {@code mx[ip]:25}
     * @param dsn    the RFC 3463 status, e.g. {@code 2.0.0}, {@code 4.2.0}, {@code 5.1.1}
     * @param text   the parenthesised reason in the log, e.g. {@code delivered to maildir}
     */
    public record Outcome(DeliveryRequest.Target target, Status status, String relay, String dsn, String text) {
    }
}
