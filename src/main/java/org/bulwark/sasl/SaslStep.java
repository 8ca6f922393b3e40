package org.bulwark.sasl;

/** What the server does after one client response in an AUTH exchange (RFC 4954 §4). */
public sealed interface SaslStep {

    /** Send {@code 334} with this challenge and wait for the next response. */
    record Challenge(byte[] data) implements SaslStep {
    }

    /** Authenticated as {@code username}; {@code serverFinal} (SCRAM's) goes out with the 235, if any. */
    record Success(String username, byte[] serverFinal) implements SaslStep {
    }

    /** Wrong credentials or a malformed exchange: 535 5.7.8. {@code reason} is for the log, never the client. */
    record Failure(String reason) implements SaslStep {
    }

    /** The backend could not be asked: 454 4.7.0, and the client may try again later. */
    record Unavailable(String reason) implements SaslStep {
    }
}
