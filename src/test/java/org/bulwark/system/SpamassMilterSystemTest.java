package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spamass-milter and spamd (Debian's packages) as smtpd_milters, spamd with local tests only (no
 * DNS, no network, no Bayes): the GTUBE test message is refused after DATA, a plain one delivered.
 */
class SpamassMilterSystemTest {

    /** SpamAssassin's Generic Test for Unsolicited Bulk Email: a rule scores it 1000. */
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    @TempDir
    Path root;

    private PeerDaemon spamd;
    private PeerDaemon milter;
    private MailSystemFixture system;

    @BeforeEach
    void startScanners() throws Exception {
        // spamd's children run as nobody: they must reach the configuration, a home and a temporary directory.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        Path spam = Files.createDirectories(root.resolve("spam"));
        Files.setPosixFilePermissions(spam, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path site = Files.createDirectories(spam.resolve("site"));
        Files.setPosixFilePermissions(site, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The plugin loaders of the package's own site configuration, then local settings without network tests.
        try (Stream<Path> pre = Files.list(Path.of("/etc/spamassassin"))) {
            for (Path file : pre.filter(p -> p.getFileName().toString().endsWith(".pre")).toList()) {
                Files.copy(file, site.resolve(file.getFileName()));
            }
        }
        Files.writeString(site.resolve("local.cf"), "use_bayes 0\nskip_rbl_checks 1\ndns_available no\n");
        Path home = Files.createDirectories(spam.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path tmp = Files.createDirectories(spam.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));

        int spamdPort = FreePorts.next();
        spamd = PeerDaemon.start("spamd", List.of(Peers.spamd(), "--listen", "127.0.0.1:" + spamdPort,
                "--allowed-ips", "127.0.0.1", "--local", "--siteconfigpath", site.toString(), "--nouser-config",
                "-u", "nobody", "-H", home.toString(), "--syslog", "stderr", "--pidfile",
                spam.resolve("spamd.pid").toString(), "--max-children", "1"),
                spam.resolve("spamd.log"), Map.of("TMPDIR", tmp.toString(), "HOME", home.toString()))
                .awaitPort(spamdPort, Duration.ofSeconds(120));

        Path milterSocket = spam.resolve("spamass.sock");
        milter = PeerDaemon.start("spamass-milter", List.of(Peers.spamassMilter(), "-p", milterSocket.toString(),
                "-r", "5", "-P", spam.resolve("spamass-milter.pid").toString(),
                "--", "-d", "127.0.0.1", "-p", String.valueOf(spamdPort)),
                spam.resolve("spamass-milter.log"), Map.of()).awaitSocket(milterSocket, Duration.ofSeconds(60));

        system = new MailSystemFixture(root.resolve("system"))
                .set("smtpd_milters", "unix:" + milterSocket)
                .set("milter_default_action", "tempfail")
                .start();
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
        if (milter != null) {
            milter.close();
        }
        if (spamd != null) {
            spamd.close();
        }
    }

    private String send(String subject, String body) throws Exception {
        return SmtpDialogue.send(system.port(), "127.0.0.2", "remote.example", "sender@remote.example",
                "alice@example.test", "From: sender@remote.example\nTo: alice@example.test\nSubject: " + subject
                        + "\nDate: Mon, 07 Dec 2026 04:00:00 +0000\nMessage-ID: <" + subject.hashCode()
                        + "@remote.example>\n\n" + body);
    }

    @Test
    void gtubeIsRefusedAfterData() throws Exception {
        String reply = send("gtube", "This is the GTUBE:\n\n" + GTUBE + "\n\nend.\n");

        assertThat(reply).as("spamd said:%n%s", spamd.output()).isEqualTo("550 5.7.1 Blocked by SpamAssassin");
        system.awaitLog("milter-reject: END-OF-MESSAGE from unknown[127.0.0.2]: 5.7.1 Blocked by SpamAssassin; "
                + "from=<sender@remote.example> to=<alice@example.test> proto=ESMTP helo=<remote.example>");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void aPlainMessageIsDeliveredWithSpamAssassinsHeaders() throws Exception {
        assertThat(send("lunch", "Hello Alice,\n\nlunch at noon tomorrow?\n\nSender\n"))
                .startsWith("250 2.0.0 Ok: queued as ");

        Path delivered = system.awaitDelivered("alice", 1).get(0);
        assertThat(Files.readString(delivered)).contains("Subject: lunch").contains("X-Spam-Checker-Version:")
                .contains("X-Spam-Status: No");
    }
}
