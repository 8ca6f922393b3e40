package org.bulwark.sasl;

/**
 * Checks a user name and password for the plaintext mechanisms: answers {@link SaslStep.Success},
 * {@link SaslStep.Failure} or {@link SaslStep.Unavailable}.
 */
@FunctionalInterface
interface PasswordCheck {
    SaslStep check(String username, String password);
}
