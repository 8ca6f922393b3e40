package org.bulwark.queue;

/**
 * The contract between the queue manager and a delivery agent (local, virtual, smtp, ...): given a
 * message and some of its recipients, try each and report what happened to each. An agent never
 * marks recipients done itself; the queue manager records the results durably.
 */
public interface DeliveryAgent {

    /** The master.cf transport name this agent serves, e.g. {@code local}, {@code virtual}. */
    String transport();

    /** Delivers; must report every recipient of the request, and must not throw for a delivery failure. */
    DeliveryReport deliver(DeliveryRequest request);
}
