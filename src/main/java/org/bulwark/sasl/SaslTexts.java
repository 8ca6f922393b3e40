package org.bulwark.sasl;

/** Reasons and errors the SASL layer reports, worded in one place; none of them reach the client. */
final class SaslTexts {

    static final String MALFORMED = "malformed SASL response";
    static final String AUTHZID_REFUSED = "authorization identity differs from the login name";
    static final String AUTHENTICATION_FAILURE = "authentication failure";
    static final String NO_SCRAM_CREDENTIALS = "no SCRAM-SHA-256 credentials for the user";
    static final String CHANNEL_BINDING = "channel binding is not supported";
    static final String NONCE_MISMATCH = "SCRAM nonce mismatch";

    private SaslTexts() {
    }

    static String unknownMechanism(String mechanism) {
        return "mechanism " + mechanism + " is not offered";
    }

    static String cannotRead(String file, String why) {
        return "cannot read SASL password file " + file + ": " + why;
    }

    static String badLine(String file, int line) {
        return file + ", line " + line + ": not in user:{SCHEME}hash form; line ignored";
    }

    static String backendUnavailable(String what, String why) {
        return "SASL backend " + what + " is unavailable: " + why;
    }

    static String backendProtocol(String what, String line) {
        return "unexpected answer from SASL backend " + what + ": " + line;
    }
}
