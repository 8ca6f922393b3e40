package org.bulwark.policy;

/** A policy server could not be asked or gave no usable answer; the caller applies default_action. */
public final class PolicyException extends Exception {

    public PolicyException(String message) {
        super(message);
    }
}
