package org.bulwark.sasl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.bulwark.log.MailLog;

/**
 * Dovecot's authentication protocol (version 1.2, as Postfix's xsasl_dovecot speaks it) over its
 * auth socket: the handshake lists the mechanisms, then {@code AUTH}, {@code CONT}, and
 * {@code OK}/{@code FAIL} per exchange. One connection per AUTH command keeps a session's
 * exchange independent of every other.
 */
public final class DovecotBackend implements SaslBackend {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong IDS = new AtomicLong();

    private final BackendAddress address;
    private final MailLog.Logger log;

    DovecotBackend(BackendAddress address, MailLog.Logger log) {
        this.address = address;
        this.log = log;
    }

    /** Asked for each EHLO, so that a Dovecot restarted with other mechanisms is seen at once. */
    @Override
    public List<Mechanism> mechanisms() {
        try (Session s = new Session()) {
            return s.mechanisms;
        } catch (IOException e) {
            log.warning(SaslTexts.backendUnavailable(address.toString(), e.getMessage()));
            return List.of();
        }
    }

    @Override
    public SaslExchange start(String mechanism, SaslClient client) {
        return new Exchange(mechanism.toUpperCase(Locale.ROOT), client);
    }

    /** One connection: the server's handshake read, ours sent. */
    private final class Session implements AutoCloseable {
        final BackendAddress.Connection connection;
        final BufferedReader in;
        final OutputStream out;
        final List<Mechanism> mechanisms = new ArrayList<>();

        Session() throws IOException {
            connection = address.connect(TIMEOUT);
            in = new BufferedReader(new InputStreamReader(connection.in(), StandardCharsets.UTF_8));
            out = connection.out();
            try {
                send("VERSION\t1\t2\nCPID\t" + ProcessHandle.current().pid() + "\n");
                String line;
                while ((line = in.readLine()) != null && !line.equals("DONE")) {
                    String[] f = line.split("\t");
                    if (f[0].equals("VERSION") && !f[1].equals("1")) {
                        throw new IOException(SaslTexts.backendProtocol(address.toString(), line));
                    }
                    if (f[0].equals("MECH") && f.length >= 2) {
                        List<String> flags = List.of(f).subList(2, f.length);
                        mechanisms.add(new Mechanism(f[1], flags.contains("plaintext"), flags.contains("anonymous")));
                    }
                }
                if (line == null) {
                    throw new IOException(SaslTexts.backendProtocol(address.toString(), "connection closed"));
                }
            } catch (IOException e) {
                connection.close();
                throw e;
            }
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    private final class Exchange implements SaslExchange {
        private final String mechanism;
        private final SaslClient client;
        private final long id = IDS.incrementAndGet();
        private Session session;

        Exchange(String mechanism, SaslClient client) {
            this.mechanism = mechanism;
            this.client = client;
        }

        @Override
        public SaslStep respond(byte[] response) {
            try {
                if (session == null) {
                    session = new Session();
                    StringBuilder b = new StringBuilder("AUTH\t").append(id).append('\t').append(mechanism)
                            .append("\tservice=smtp\tnologin");
                    if (client.localAddress() != null) {
                        b.append("\tlip=").append(client.localAddress());
                    }
                    if (client.clientAddress() != null) {
                        b.append("\trip=").append(client.clientAddress());
                    }
                    if (client.secured()) {
                        b.append("\tsecured");
                    }
                    if (response != null) {
                        b.append("\tresp=").append(Base64.getEncoder().encodeToString(response));
                    }
                    session.send(b.append('\n').toString());
                } else {
                    byte[] data = response == null ? new byte[0] : response;
                    session.send("CONT\t" + id + "\t" + Base64.getEncoder().encodeToString(data) + "\n");
                }
                return answer();
            } catch (IOException | IllegalArgumentException e) {
                log.warning(SaslTexts.backendUnavailable(address.toString(), e.getMessage()));
                close();
                return new SaslStep.Unavailable(e.getMessage());
            }
        }

        private SaslStep answer() throws IOException {
            String line = session.in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
            String[] f = line.split("\t", -1);
            if (f.length < 2 || !f[1].equals(Long.toString(id))) {
                throw new IOException(SaslTexts.backendProtocol(address.toString(), line));
            }
            switch (f[0]) {
                case "CONT" -> {
                    return new SaslStep.Challenge(Base64.getDecoder().decode(f.length > 2 ? f[2] : ""));
                }
                case "OK" -> {
                    close();
                    return new SaslStep.Success(value(f, "user"), null);
                }
                case "FAIL" -> {
                    close();
                    String reason = value(f, "reason");
                    if (List.of(f).contains("temp")) {
                        return new SaslStep.Unavailable(reason == null ? "temporary failure" : reason);
                    }
                    return new SaslStep.Failure(reason == null ? SaslTexts.AUTHENTICATION_FAILURE : reason);
                }
                default -> throw new IOException(SaslTexts.backendProtocol(address.toString(), line));
            }
        }

        @Override
        public void close() {
            if (session != null) {
                session.close();
            }
        }
    }

    private static String value(String[] fields, String name) {
        for (int i = 2; i < fields.length; i++) {
            if (fields[i].startsWith(name + "=")) {
                return fields[i].substring(name.length() + 1);
            }
        }
        return null;
    }
}
