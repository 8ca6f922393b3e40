package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenDMARC (Debian's package) as smtpd_milters, on checks that need no DNS: RequiredHeaders
 * refuses a message with two From: fields (RFC 5322 §3.6), and a From: domain on IgnoreMailFrom
 * passes without a policy lookup.
 */
class OpendmarcMilterSystemTest {

    @TempDir
    Path root;

    private PeerDaemon opendmarc;
    private MailSystemFixture system;

    @BeforeEach
    void startFilter() throws Exception {
        Path dir = Files.createDirectories(root.resolve("dmarc"));
        Path socket = dir.resolve("opendmarc.sock");
        Path ignoreHosts = dir.resolve("ignore-hosts");
        // Nothing is ignored by address: the default would skip 127.0.0.1.
        Files.writeString(ignoreHosts, "192.0.2.1\n");
        Path conf = dir.resolve("opendmarc.conf");
        Files.writeString(conf, String.join("\n",
                "Socket local:" + socket,
                "AuthservID mail.example.test",
                "RequiredHeaders true",
                "RejectFailures true",
                "SPFSelfValidate false",
                "IgnoreHosts " + ignoreHosts,
                "IgnoreMailFrom remote.example",
                "PidFile " + dir.resolve("opendmarc.pid"),
                "Syslog false", ""));
        opendmarc = PeerDaemon.start("opendmarc", List.of(Peers.opendmarc(), "-f", "-c", conf.toString()),
                dir.resolve("opendmarc.log"), Map.of()).awaitSocket(socket, Duration.ofSeconds(60));
        system = new MailSystemFixture(root.resolve("system"))
                .set("smtpd_milters", "unix:" + socket)
                .set("milter_default_action", "tempfail")
                .start();
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
        if (opendmarc != null) {
            opendmarc.close();
        }
    }

    private String send(String headers) throws Exception {
        return SmtpDialogue.send(system.port(), "127.0.0.2", "remote.example", "sender@remote.example",
                "alice@example.test", headers + "To: alice@example.test\nSubject: dmarc\n"
                        + "Date: Mon, 07 Dec 2026 04:00:00 +0000\nMessage-ID: <1@remote.example>\n\nHello.\n");
    }

    @Test
    void twoFromFieldsAreRefusedAfterData() throws Exception {
        String reply = send("From: one@other.example\nFrom: two@other.example\n");

        assertThat(reply).as("opendmarc said:%n%s", opendmarc.output()).isEqualTo("550 5.7.1 Command rejected");
        system.awaitLog("milter-reject: END-OF-MESSAGE from unknown[127.0.0.2]: 5.7.1 Command rejected; "
                + "from=<sender@remote.example> to=<alice@example.test> proto=ESMTP helo=<remote.example>");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void anIgnoredFromDomainIsDelivered() throws Exception {
        assertThat(send("From: sender@remote.example\n")).startsWith("250 2.0.0 Ok: queued as ");

        // Without the milter answering, milter_default_action = tempfail would have refused it with 451.
        assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0))).contains("Subject: dmarc");
        assertThat(system.maillog()).doesNotContain("milter-reject");
    }
}
