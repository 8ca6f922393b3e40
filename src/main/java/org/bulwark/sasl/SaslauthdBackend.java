package org.bulwark.sasl;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.bulwark.log.MailLog;

/**
 * Cyrus saslauthd: PLAIN and LOGIN, each password checked with one request on its socket. The
 * request is four counted strings (login, password, service, realm: a two-octet big-endian
 * length, then the octets); the answer is one, {@code OK} or {@code NO} and a reason.
 */
public final class SaslauthdBackend implements SaslBackend {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final BackendAddress address;
    private final String realm;
    private final MailLog.Logger log;

    SaslauthdBackend(BackendAddress address, String realm, MailLog.Logger log) {
        this.address = address;
        this.realm = realm;
        this.log = log;
    }

    @Override
    public List<Mechanism> mechanisms() {
        return PasswordCheck.MECHANISMS;
    }

    @Override
    public SaslExchange start(String mechanism, SaslClient client) {
        return ((PasswordCheck) this::check).exchange(mechanism);
    }

    private SaslStep check(String username, String password) {
        try (BackendAddress.Connection c = address.connect(TIMEOUT)) {
            DataOutputStream out = new DataOutputStream(c.out());
            for (String field : List.of(username, password, "smtp", realm)) {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                out.writeShort(bytes.length);
                out.write(bytes);
            }
            out.flush();
            DataInputStream in = new DataInputStream(c.in());
            int length = in.readUnsignedShort();
            String answer = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            if (answer.startsWith("OK")) {
                return new SaslStep.Success(username, null);
            }
            return new SaslStep.Failure(SaslTexts.AUTHENTICATION_FAILURE);
        } catch (IOException e) {
            log.warning(SaslTexts.backendUnavailable(address.toString(), e.getMessage()));
            return new SaslStep.Unavailable(e.getMessage());
        }
    }
}
