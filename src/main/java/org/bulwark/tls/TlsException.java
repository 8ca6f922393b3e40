package org.bulwark.tls;

/** A TLS setting or file the operator must fix; the message says which and why. */
public final class TlsException extends Exception {

    public TlsException(String message) {
        super(message);
    }
}
