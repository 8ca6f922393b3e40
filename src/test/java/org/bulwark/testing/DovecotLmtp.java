package org.bulwark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Dovecot LMTP server (Debian's dovecot-lmtpd) in a directory of the test's own: a unix
 * socket where the test says (and a TCP listener on loopback when asked), users from a passwd-file,
 * each with a Maildir under {@code home/<address>/Maildir}. A "broken" user's home lies below a
 * regular file, so Dovecot accepts the recipient and then answers the end of data with a 451: a
 * per-recipient temporary failure after DATA, as RFC 2033 allows. Unknown users get 550 at RCPT.
 */
public final class DovecotLmtp implements AutoCloseable {

    private final Process process;
    private final Path dir;

    private DovecotLmtp(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /**
     * @param socket  where the LMTP unix-domain socket is created
     * @param tcpPort a loopback TCP port for LMTP too, or 0 for none
     * @param users   addresses Dovecot delivers to
     * @param broken  addresses Dovecot accepts at RCPT but cannot store (451 after DATA)
     */
    public static DovecotLmtp start(Path dir, Path socket, int tcpPort, List<String> users, List<String> broken)
            throws IOException, InterruptedException {
        return start(dir, socket, tcpPort, users, broken, null);
    }

    /** As above, offering STARTTLS with {@code keyAndCert} (PEM files, as OpensslCertificates makes them). */
    public static DovecotLmtp start(Path dir, Path socket, int tcpPort, List<String> users, List<String> broken,
            Path[] keyAndCert) throws IOException, InterruptedException {
        String dovecot = Peers.dovecot();
        Peers.dovecotLmtp();
        // Dovecot delivers as the userdb's uid (nobody): it must reach and write the homes.
        Files.createDirectories(dir);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        for (Path p = dir.toAbsolutePath(); p.startsWith(tmp) && !p.equals(tmp); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path homes = Files.createDirectories(dir.resolve("home"));
        Files.setPosixFilePermissions(homes, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path notADirectory = dir.resolve("not-a-directory");
        Files.writeString(notADirectory, "");
        StringBuilder passwd = new StringBuilder();
        for (String user : users) {
            passwd.append(user).append(":{PLAIN}unused:65534:65534::").append(homes.resolve(user)).append("::\n");
        }
        for (String user : broken) {
            passwd.append(user).append(":{PLAIN}unused:65534:65534::").append(notADirectory.resolve(user)).append("::\n");
        }
        Path passwdFile = dir.resolve("lmtp-users");
        Files.writeString(passwdFile, passwd);
        Files.setPosixFilePermissions(passwdFile, PosixFilePermissions.fromString("rw-r--r--"));
        Path run = Files.createDirectories(dir.resolve("dovecot-run"));
        Files.createDirectories(socket.getParent());
        String inet = tcpPort == 0 ? "" : """
                  inet_listener lmtp {
                    address = 127.0.0.1
                    port = %d
                  }
                """.formatted(tcpPort);
        Path conf = dir.resolve("dovecot-lmtp.conf");
        Files.writeString(conf, """
                base_dir = %1$s
                state_dir = %1$s
                log_path = %2$s
                protocols = lmtp
                listen = 127.0.0.1
                %6$s
                mail_location = maildir:~/Maildir
                passdb {
                  driver = passwd-file
                  args = %3$s
                }
                userdb {
                  driver = passwd-file
                  args = %3$s
                }
                service lmtp {
                  unix_listener %4$s {
                    mode = 0666
                  }
                %5$s}
                """.formatted(run, dir.resolve("dovecot.log"), passwdFile, socket, inet, keyAndCert == null ? "ssl = no"
                        : "ssl = yes\nssl_key = <" + keyAndCert[0] + "\nssl_cert = <" + keyAndCert[1]));
        Process process = new ProcessBuilder(dovecot, "-F", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!Files.exists(socket) || tcpPort != 0 && !listening(tcpPort)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroy();
                throw new IOException("dovecot did not start: " + Files.readString(dir.resolve("dovecot.out"))
                        + (Files.exists(dir.resolve("dovecot.log")) ? Files.readString(dir.resolve("dovecot.log")) : ""));
            }
            Thread.sleep(20);
        }
        return new DovecotLmtp(process, dir);
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The messages in a user's Maildir new/. */
    public List<Path> delivered(String user) throws IOException {
        Path dirNew = dir.resolve("home").resolve(user).resolve("Maildir/new");
        if (!Files.isDirectory(dirNew)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dirNew)) {
            return files.sorted().toList();
        }
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
