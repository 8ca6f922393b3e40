package org.bulwark.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real saslauthd (Debian's sasl2-bin) on a socket in the test's directory. Its sasldb
 * and shadow mechanisms read fixed system files (/etc/sasldb2, /etc/shadow) a test must not
 * touch, so saslauthd runs its rimap mechanism: it checks each password by an IMAP LOGIN against
 * a small IMAP responder on loopback that knows one user.
 */
class SaslauthdBackendTest {

    @TempDir
    static Path dir;
    static Process saslauthd;
    static ServerSocket imap;
    static SaslService sasl;

    @BeforeAll
    static void start() throws Exception {
        String binary = Peers.saslauthd();
        imap = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().start(SaslauthdBackendTest::serveImap);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // saslauthd signals its whole process group when it exits: give it a group of its own.
        saslauthd = new ProcessBuilder("setsid", binary, "-a", "rimap", "-O", "127.0.0.1/" + imap.getLocalPort(),
                "-m", dir.toString(), "-n", "1", "-d")
                .redirectErrorStream(true).redirectOutput(dir.resolve("saslauthd.out").toFile()).start();
        Path mux = dir.resolve("mux");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!Files.exists(mux)) {
            if (!saslauthd.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IOException("saslauthd did not start: " + Files.readString(dir.resolve("saslauthd.out")));
            }
            Thread.sleep(20);
        }
        Config config = Config.of(Map.of("smtpd_sasl_auth_enable", "yes", "smtpd_sasl_type", "cyrus",
                "smtpd_sasl_path", mux.toString()));
        MailLog log = MailLog.to(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "mx", "b");
        sasl = SaslService.forService(config, log.program("smtpd"));
    }

    /** An IMAP server that answers LOGIN for alice with password wonderland (RFC 9051 §6.2.3). */
    private static void serveImap() {
        while (!imap.isClosed()) {
            try (Socket c = imap.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = c.getOutputStream();
                out.write("* OK IMAP4rev1 ready\r\n".getBytes(StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()) != null) {
                    String[] words = line.split(" ", 3);
                    if (words.length >= 2 && words[1].equalsIgnoreCase("LOGIN")) {
                        boolean ok = words.length == 3 && words[2].equals("\"alice\" \"wonderland\"");
                        out.write((words[0] + (ok ? " OK LOGIN completed\r\n" : " NO LOGIN failed\r\n"))
                                .getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(("* BYE\r\n" + words[0] + " OK\r\n").getBytes(StandardCharsets.US_ASCII));
                        break;
                    }
                }
            } catch (IOException e) {
                // The next connection, or the end of the test.
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (saslauthd != null) {
            saslauthd.descendants().forEach(ProcessHandle::destroy);
            saslauthd.destroy();
            saslauthd.waitFor();
        }
        if (imap != null) {
            imap.close();
        }
    }

    static SaslClient client() {
        return new SaslClient("192.0.2.1", "127.0.0.1", true);
    }

    @Test
    void offersPlainAndLogin() {
        assertThat(sasl.offered(true)).containsExactly("PLAIN", "LOGIN");
    }

    @Test
    void plainSucceedsThroughSaslauthd() {
        assertThat(sasl.start("PLAIN", true, client()).respond("\0alice\0wonderland".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new SaslStep.Success("alice", null));
    }

    @Test
    void aWrongPasswordFails() {
        assertThat(sasl.start("PLAIN", true, client()).respond("\0alice\0queen".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void loginSucceedsThroughSaslauthd() {
        SaslExchange e = sasl.start("LOGIN", true, client());
        e.respond(null);
        e.respond("alice".getBytes(StandardCharsets.UTF_8));
        assertThat(e.respond("wonderland".getBytes(StandardCharsets.UTF_8))).isInstanceOf(SaslStep.Success.class);
    }
}
