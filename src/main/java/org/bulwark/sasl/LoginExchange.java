package org.bulwark.sasl;

import java.nio.charset.StandardCharsets;

/**
 * LOGIN (draft-murchison-sasl-login): the server asks {@code Username:} and {@code Password:};
 * an initial response is the user name.
 */
final class LoginExchange implements SaslExchange {

    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    private final PasswordCheck check;
    private String username;

    LoginExchange(PasswordCheck check) {
        this.check = check;
    }

    @Override
    public SaslStep respond(byte[] response) {
        if (username == null) {
            if (response == null) {
                username = "";
                return new SaslStep.Challenge(USERNAME);
            }
            username = new String(response, StandardCharsets.UTF_8);
            if (username.isEmpty()) {
                return new SaslStep.Challenge(USERNAME);
            }
            return new SaslStep.Challenge(PASSWORD);
        }
        if (username.isEmpty()) {
            username = response == null ? "" : new String(response, StandardCharsets.UTF_8);
            return username.isEmpty() ? new SaslStep.Failure(SaslTexts.MALFORMED) : new SaslStep.Challenge(PASSWORD);
        }
        return check.check(username, response == null ? "" : new String(response, StandardCharsets.UTF_8));
    }
}
