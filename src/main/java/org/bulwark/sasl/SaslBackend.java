package org.bulwark.sasl;

import java.util.List;

/** A source of SASL mechanisms: the built-in passwd-file, Dovecot or saslauthd. */
public interface SaslBackend {

    /** Every mechanism the backend can run, with whether it sends the password in the clear. */
    List<Mechanism> mechanisms();

    /** Starts an exchange for a mechanism from {@link #mechanisms()}. */
    SaslExchange start(String mechanism, SaslClient client);

    /** A mechanism name and its properties for smtpd_sasl_security_options. */
    record Mechanism(String name, boolean plaintext, boolean anonymous) {
    }
}
