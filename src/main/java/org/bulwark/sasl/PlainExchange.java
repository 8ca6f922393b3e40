package org.bulwark.sasl;

import java.nio.charset.StandardCharsets;

/** PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd} in one response. */
final class PlainExchange implements SaslExchange {

    private final PasswordCheck check;
    private boolean challenged;

    PlainExchange(PasswordCheck check) {
        this.check = check;
    }

    @Override
    public SaslStep respond(byte[] response) {
        if (response == null) {
            if (challenged) {
                return new SaslStep.Failure(SaslTexts.MALFORMED);
            }
            challenged = true;
            // RFC 4954 §4: no initial response, so an empty challenge asks for it.
            return new SaslStep.Challenge(new byte[0]);
        }
        String message = new String(response, StandardCharsets.UTF_8);
        String[] parts = message.split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            return new SaslStep.Failure(SaslTexts.MALFORMED);
        }
        // Acting for another user (a different authzid) is not a right anybody has here.
        if (!parts[0].isEmpty() && !parts[0].equals(parts[1])) {
            return new SaslStep.Failure(SaslTexts.AUTHZID_REFUSED);
        }
        return check.check(parts[1], parts[2]);
    }
}
