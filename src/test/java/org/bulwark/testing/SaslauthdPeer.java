package org.bulwark.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real saslauthd (Debian's sasl2-bin) on a socket in a test's directory. Its sasldb and shadow
 * mechanisms read fixed system files (/etc/sasldb2, /etc/shadow) a test must not touch, so it runs
 * its rimap mechanism: each password is checked by an IMAP LOGIN against a small responder on
 * loopback that knows one user, alice with password wonderland.
 */
public final class SaslauthdPeer implements AutoCloseable {

    private final Process process;
    private final ServerSocket imap;
    private final Path mux;

    private SaslauthdPeer(Process process, ServerSocket imap, Path mux) {
        this.process = process;
        this.imap = imap;
        this.mux = mux;
    }

    /** Starts saslauthd with its socket at {@code dir/mux} and waits until the socket is there. */
    public static SaslauthdPeer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        ServerSocket imap = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().start(() -> serveImap(imap));
        // saslauthd signals its whole process group when it exits: give it a group of its own.
        Process process = new ProcessBuilder("setsid", Peers.saslauthd(), "-a", "rimap", "-O",
                "127.0.0.1/" + imap.getLocalPort(), "-m", dir.toString(), "-n", "1", "-d")
                .redirectErrorStream(true).redirectOutput(dir.resolve("saslauthd.out").toFile()).start();
        SaslauthdPeer peer = new SaslauthdPeer(process, imap, dir.resolve("mux"));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!Files.exists(peer.mux)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                peer.close();
                throw new IOException("saslauthd did not start: " + Files.readString(dir.resolve("saslauthd.out")));
            }
            Thread.sleep(20);
        }
        return peer;
    }

    /** The socket for {@code smtpd_sasl_path}. */
    public Path mux() {
        return mux;
    }

    @Override
    public void close() throws Exception {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        process.waitFor();
        imap.close();
    }

    private static void serveImap(ServerSocket imap) {
        while (!imap.isClosed()) {
            try (Socket c = imap.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = c.getOutputStream();
                out.write("* OK IMAP4rev1 ready\r\n".getBytes(StandardCharsets.US_ASCII));
                for (String line; (line = in.readLine()) != null; ) {
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
                // the next connection, or the end of the test
            }
        }
    }
}
