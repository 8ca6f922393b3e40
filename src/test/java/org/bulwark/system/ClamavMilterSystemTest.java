package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * clamav-milter and clamd (Debian's packages) as smtpd_milters, with a signature database of one
 * body signature the test writes (no freshclam): an attachment carrying the signed string is
 * refused after DATA, a clean one is delivered.
 */
class ClamavMilterSystemTest {

    /** The string the test signature matches; assembled so that this source file does not carry it whole. */
    private static final String SIGNED = "BULWARK-CLAMAV-" + "TEST-SIGNATURE-7f3a";

    @TempDir
    Path root;

    private PeerDaemon clamd;
    private PeerDaemon milter;
    private MailSystemFixture system;

    @BeforeEach
    void startScanners() throws Exception {
        Path clam = Files.createDirectories(root.resolve("clam"));
        Path db = Files.createDirectories(clam.resolve("db"));
        Files.writeString(db.resolve("test.ndb"), "Bulwark-Test-Signature:0:*:"
                + HexFormat.of().formatHex(SIGNED.getBytes(StandardCharsets.US_ASCII)) + "\n");
        Path clamdSocket = clam.resolve("clamd.sock");
        Path clamdConf = clam.resolve("clamd.conf");
        Files.writeString(clamdConf, String.join("\n",
                "DatabaseDirectory " + db,
                "LocalSocket " + clamdSocket,
                "Foreground yes",
                "PidFile " + clam.resolve("clamd.pid"),
                "TemporaryDirectory " + Files.createDirectories(clam.resolve("tmp")), ""));
        clamd = PeerDaemon.start("clamd", List.of(Peers.clamd(), "-c", clamdConf.toString()),
                clam.resolve("clamd.log"), Map.of()).awaitSocket(clamdSocket, Duration.ofSeconds(120));

        int milterPort = FreePorts.next();
        Path milterConf = clam.resolve("clamav-milter.conf");
        Files.writeString(milterConf, String.join("\n",
                "MilterSocket inet:" + milterPort + "@127.0.0.1",
                "ClamdSocket unix:" + clamdSocket,
                "OnInfected Reject",
                "RejectMsg Infected: %v",
                "OnFail Defer",
                "Foreground yes",
                "PidFile " + clam.resolve("clamav-milter.pid"),
                "TemporaryDirectory " + clam.resolve("tmp"),
                "LogInfected Full",
                "LogFile " + clam.resolve("clamav-milter.events"), ""));
        milter = PeerDaemon.start("clamav-milter", List.of(Peers.clamavMilter(), "-c", milterConf.toString()),
                clam.resolve("clamav-milter.log"), Map.of()).awaitPort(milterPort, Duration.ofSeconds(60));

        system = new MailSystemFixture(root.resolve("system"))
                .set("smtpd_milters", "inet:127.0.0.1:" + milterPort)
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
        if (clamd != null) {
            clamd.close();
        }
    }

    private static String withAttachment(String subject, String attachment) {
        String encoded = Base64.getMimeEncoder().encodeToString(attachment.getBytes(StandardCharsets.US_ASCII));
        return """
                From: sender@remote.example
                To: alice@example.test
                Subject: %s
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b1"

                --b1
                Content-Type: text/plain

                See the attachment.
                --b1
                Content-Type: application/octet-stream; name="report.bin"
                Content-Disposition: attachment; filename="report.bin"
                Content-Transfer-Encoding: base64

                %s
                --b1--
                """.formatted(subject, encoded.replace("\r\n", "\n"));
    }

    private String send(String message) throws Exception {
        return SmtpDialogue.send(system.port(), "127.0.0.2", "remote.example", "sender@remote.example",
                "alice@example.test", message);
    }

    @Test
    void anAttachmentWithTheSignedStringIsRefusedAfterData() throws Exception {
        String reply = send(withAttachment("infected", "some bytes before " + SIGNED + " and after\n"));

        assertThat(reply).isEqualTo("550 5.7.1 Infected: Bulwark-Test-Signature.UNOFFICIAL");
        system.awaitLog("milter-reject: END-OF-MESSAGE from unknown[127.0.0.2]: 5.7.1 Infected: "
                + "Bulwark-Test-Signature.UNOFFICIAL; from=<sender@remote.example> to=<alice@example.test> "
                + "proto=ESMTP helo=<remote.example>");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void aCleanAttachmentIsDelivered() throws Exception {
        assertThat(send(withAttachment("clean", "nothing to see here\n"))).startsWith("250 2.0.0 Ok: queued as ");

        Path delivered = system.awaitDelivered("alice", 1).get(0);
        assertThat(Files.readString(delivered)).contains("Subject: clean").contains("filename=\"report.bin\"");
        assertThat(system.maillog()).doesNotContain("milter-reject");
    }
}
