package org.bulwark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

/**
 * A real Dovecot (Debian's dovecot-core) serving only its auth socket, from a passwd-file, in a
 * directory of the test's own: no IMAP or POP3 listeners, nothing outside that directory.
 */
public final class DovecotPeer implements AutoCloseable {

    private final Process process;
    private final Path dir;
    public final Path socket;

    private DovecotPeer(Process process, Path dir, Path socket) {
        this.process = process;
        this.dir = dir;
        this.socket = socket;
    }

    /** Starts Dovecot with its auth socket at {@code socket}, users from {@code passwdFile}. */
    public static DovecotPeer start(Path dir, Path passwdFile, Path socket) throws IOException, InterruptedException {
        String dovecot = Peers.dovecot();
        // Dovecot's auth process runs as the dovecot user and must reach the passwd-file.
        for (Path p = passwdFile.getParent(); p != null && p.startsWith(dir.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(passwdFile, PosixFilePermissions.fromString("rw-r--r--"));
        Path run = Files.createDirectories(dir.resolve("dovecot-run"));
        Files.createDirectories(socket.getParent());
        Path conf = dir.resolve("dovecot.conf");
        Files.writeString(conf, """
                base_dir = %1$s
                state_dir = %1$s
                log_path = %2$s
                protocols =
                listen = 127.0.0.1
                ssl = no
                auth_mechanisms = plain login
                passdb {
                  driver = passwd-file
                  args = %3$s
                }
                userdb {
                  driver = static
                  args = uid=65534 gid=65534 home=/nonexistent
                }
                service auth {
                  unix_listener %4$s {
                    mode = 0666
                  }
                }
                """.formatted(run, dir.resolve("dovecot.log"), passwdFile, socket));
        Process process = new ProcessBuilder(dovecot, "-F", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!Files.exists(socket)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroy();
                throw new IOException("dovecot did not start: " + Files.readString(dir.resolve("dovecot.out"))
                        + (Files.exists(dir.resolve("dovecot.log")) ? Files.readString(dir.resolve("dovecot.log")) : ""));
            }
            Thread.sleep(20);
        }
        return new DovecotPeer(process, dir, socket);
    }

    public String log() throws IOException {
        Path log = dir.resolve("dovecot.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
