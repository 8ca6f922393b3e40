package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenDKIM (Debian's package) as the milter of a submission service, as the guides set it up:
 * {@code -o smtpd_milters=inet:... -o milter_macro_daemon_name=ORIGINATING}. What the submission
 * port receives arrives signed, and dkimpy verifies the delivered file; port 25 has no milter.
 */
class OpendkimMilterSystemTest {

    @TempDir
    Path root;

    private MailSystemFixture system;
    private Process opendkim;

    @AfterEach
    void stop() throws InterruptedException {
        if (system != null) {
            system.close();
        }
        if (opendkim != null) {
            opendkim.destroyForcibly();
            opendkim.waitFor();
        }
    }

    @Test
    void opendkimSignsWhatTheSubmissionServiceReceives() throws Exception {
        Path keys = Files.createDirectories(root.resolve("dkim"));
        Process genkey = new ProcessBuilder(Peers.opendkimGenkey(), "-D", keys.toString(), "-d", "example.test",
                "-s", "test").redirectErrorStream(true).start();
        assertThat(genkey.waitFor()).isZero();
        int milterPort = FreePorts.next();
        Path conf = keys.resolve("opendkim.conf");
        Files.writeString(conf, String.join("\n",
                "Mode sv",
                "Domain example.test",
                "Selector test",
                "KeyFile " + keys.resolve("test.private"),
                "Socket inet:" + milterPort + "@127.0.0.1",
                "Canonicalization relaxed/relaxed",
                // Signing by the daemon name alone: no client counts as internal.
                "InternalHosts 192.0.2.1",
                "MTA ORIGINATING",
                "Syslog no",
                "PidFile " + keys.resolve("opendkim.pid"),
                "RequireSafeKeys no", ""));
        opendkim = new ProcessBuilder(Peers.opendkim(), "-f", "-x", conf.toString())
                .redirectErrorStream(true).redirectOutput(keys.resolve("opendkim.log").toFile()).start();
        awaitPort(milterPort);

        int submission = FreePorts.next();
        system = new MailSystemFixture(root.resolve("system"))
                .service("127.0.0.1:" + submission + " inet n - n - - smtpd\n"
                        + "  -o smtpd_milters=inet:127.0.0.1:" + milterPort + "\n"
                        + "  -o milter_macro_daemon_name=ORIGINATING\n")
                .start();
        String message = "From: Bob <bob@example.test>\nTo: alice@example.test\nSubject: signed on submission\n"
                + "Date: Mon, 07 Dec 2026 03:00:00 +0000\nMessage-ID: <1@example.test>\n\nHello Alice,\n\nsigned.\n";

        assertThat(SmtpDialogue.send(submission, "127.0.0.1", "client.example.test", "bob@example.test",
                "alice@example.test", message)).startsWith("250 2.0.0 Ok: queued as ");
        Path signed = system.awaitDelivered("alice", 1).get(0);
        assertThat(Files.readString(signed)).contains("DKIM-Signature:").contains("d=example.test");
        assertThat(verify(signed, keys.resolve("test.txt"))).isEqualTo("verified");

        assertThat(SmtpDialogue.send(system.port(), "127.0.0.1", "client.example.test", "bob@example.test",
                "alice@example.test", message)).startsWith("250 2.0.0 Ok: queued as ");
        Path unsigned = system.awaitDelivered("alice", 2).stream().filter(p -> !p.equals(signed)).findFirst().orElseThrow();
        assertThat(Files.readString(unsigned)).as("port 25 has no milter").doesNotContain("DKIM-Signature:");

        Path forged = root.resolve("forged.eml");
        Files.writeString(forged, Files.readString(signed).replace("signed.", "forged."));
        assertThat(verify(forged, keys.resolve("test.txt"))).isEqualTo("failed");
    }

    /** dkimpy's verdict on a message, the key's TXT record served from the genkey output. */
    private static String verify(Path message, Path txt) throws IOException, InterruptedException {
        String script = """
                import re, sys, dkim
                txt = ''.join(re.findall(r'"([^"]*)"', open(sys.argv[2]).read())).encode()
                msg = open(sys.argv[1], 'rb').read().replace(b'\\r\\n', b'\\n').replace(b'\\n', b'\\r\\n')
                ok = dkim.verify(msg, dnsfunc=lambda name, timeout=5: txt if name == b'test._domainkey.example.test.' else None)
                print('verified' if ok else 'failed')
                """;
        Process p = new ProcessBuilder(Peers.python3(), "-c", script, message.toString(), txt.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        if (out.contains("No module named 'dkim'")) {
            throw new AssertionError("python3-dkim is needed by this test; run: apt-get install python3-dkim");
        }
        return out;
    }

    private void awaitPort(int port) throws Exception {
        for (int i = 0; i < 300 && opendkim.isAlive(); i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("opendkim did not start: " + Files.readString(root.resolve("dkim/opendkim.log")));
    }
}
