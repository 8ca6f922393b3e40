package org.bulwark.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: client-first, server-first,
 * client-final with the proof, server-final with the server's signature. SMTP has no room for
 * data with a 235, so server-final goes out as a last 334 (RFC 4954 §4) and the client answers
 * it with an empty line.
 */
final class ScramExchange implements SaslExchange {


    private final Function<String, Optional<ScramCredentials>> lookup;
    private final Supplier<String> serverNonce;
    private boolean askedForFirst;
    private boolean proved;
    private String username;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramCredentials credentials;
    private boolean knownUser;

    ScramExchange(Function<String, Optional<ScramCredentials>> lookup) {
        this(lookup, ScramCredentials::nonce);
    }

    /** With a fixed server nonce, for RFC 7677's test vector. */
    ScramExchange(Function<String, Optional<ScramCredentials>> lookup, Supplier<String> serverNonce) {
        this.lookup = lookup;
        this.serverNonce = serverNonce;
    }

    @Override
    public SaslStep respond(byte[] response) {
        String text = response == null ? null : new String(response, StandardCharsets.UTF_8);
        if (serverFirst == null) {
            if (text == null && !askedForFirst) {
                askedForFirst = true;
                return new SaslStep.Challenge(new byte[0]);
            }
            return clientFirst(text);
        }
        if (!proved) {
            SaslStep next = clientFinal(text);
            proved = next instanceof SaslStep.Challenge;
            return next;
        }
        return finish(text);
    }

    private SaslStep clientFirst(String text) {
        if (text == null) {
            return new SaslStep.Failure(SaslTexts.MALFORMED);
        }
        // gs2-header: "n,," or "y,," (RFC 5802 §7); "p=" asks for channel binding.
        if (text.startsWith("p=")) {
            return new SaslStep.Failure(SaslTexts.CHANNEL_BINDING);
        }
        int second = text.indexOf(',', text.indexOf(',') + 1);
        if (!(text.startsWith("n,") || text.startsWith("y,")) || second < 0) {
            return new SaslStep.Failure(SaslTexts.MALFORMED);
        }
        gs2Header = text.substring(0, second + 1);
        String authzid = text.substring(2, second);
        clientFirstBare = text.substring(second + 1);
        String user = ScramCredentials.attribute(clientFirstBare, 'n');
        String clientNonce = ScramCredentials.attribute(clientFirstBare, 'r');
        if (user == null || clientNonce == null || user.isEmpty()) {
            return new SaslStep.Failure(SaslTexts.MALFORMED);
        }
        username = user.replace("=2C", ",").replace("=3D", "=");
        if (!authzid.isEmpty() && !authzid.equals("a=" + user)) {
            return new SaslStep.Failure(SaslTexts.AUTHZID_REFUSED);
        }
        Optional<ScramCredentials> found = lookup.apply(username);
        knownUser = found.isPresent();
        // RFC 5802 §5.1: an unknown user goes on with made-up values and fails at the proof.
        credentials = found.orElseGet(() -> ScramCredentials.derive(ScramCredentials.nonce(), salt(username),
                ScramCredentials.DEFAULT_ITERATIONS));
        nonce = clientNonce + serverNonce.get();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt())
                + ",i=" + credentials.iterations();
        return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    private SaslStep clientFinal(String text) {
        if (text == null) {
            return new SaslStep.Failure(SaslTexts.MALFORMED);
        }
        int proofAt = text.lastIndexOf(",p=");
        if (proofAt < 0) {
            return new SaslStep.Failure(SaslTexts.MALFORMED);
        }
        String withoutProof = text.substring(0, proofAt);
        String binding = ScramCredentials.attribute(withoutProof, 'c');
        String finalNonce = ScramCredentials.attribute(withoutProof, 'r');
        if (binding == null || !binding.equals(Base64.getEncoder().encodeToString(
                gs2Header.getBytes(StandardCharsets.UTF_8)))) {
            return new SaslStep.Failure(SaslTexts.CHANNEL_BINDING);
        }
        if (!nonce.equals(finalNonce)) {
            return new SaslStep.Failure(SaslTexts.NONCE_MISMATCH);
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(text.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            return new SaslStep.Failure(SaslTexts.MALFORMED);
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = ScramCredentials.hmac(credentials.storedKey(), authMessage);
        if (proof.length != clientSignature.length) {
            return new SaslStep.Failure(SaslTexts.AUTHENTICATION_FAILURE);
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        if (!knownUser || !PasswordScheme.same(ScramCredentials.sha256(clientKey), credentials.storedKey())) {
            return new SaslStep.Failure(SaslTexts.AUTHENTICATION_FAILURE);
        }
        byte[] serverSignature = ScramCredentials.hmac(credentials.serverKey(), authMessage);
        return new SaslStep.Challenge(("v=" + Base64.getEncoder().encodeToString(serverSignature))
                .getBytes(StandardCharsets.UTF_8));
    }

    private SaslStep finish(String text) {
        if (text != null && !text.isEmpty()) {
            return new SaslStep.Failure(SaslTexts.MALFORMED);
        }
        return new SaslStep.Success(username, null);
    }



    /** The same made-up salt for the same unknown name, so that probing does not tell it apart. */
    private static byte[] salt(String user) {
        return java.util.Arrays.copyOf(ScramCredentials.sha256(("bulwark-scram-" + user)
                .getBytes(StandardCharsets.UTF_8)), 16);
    }
}
