package org.bulwark.sasl;

/** One AUTH command's conversation with a mechanism; not shared between threads. */
public interface SaslExchange {

    /**
     * The next step for a client response: the decoded initial response (empty for {@code =}),
     * {@code null} when AUTH came without one, or a later reply to a challenge.
     */
    SaslStep respond(byte[] response);

    /** Ends the exchange early (the client sent {@code *}) or after its last step; frees what it holds. */
    default void close() {
    }
}
