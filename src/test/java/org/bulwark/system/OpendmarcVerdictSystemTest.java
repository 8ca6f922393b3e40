package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bulwark.testing.Peers;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenDMARC (Debian's package) as smtpd_milters, reaching its verdicts from DNS: the From:
 * domain's {@code _dmarc} policy and opendmarc's own SPF check of the MAIL FROM domain (DKIM
 * plays no part: nothing is signed). p=reject with SPF failing is refused at the end of the data
 * with opendmarc's reply and nothing is delivered; SPF passing gives dmarc=pass; p=none with SPF
 * failing gives dmarc=fail and the message is delivered.
 *
 * <p>opendmarc resolves through libresolv, which knows only /etc/resolv.conf and port 53. So it
 * runs in a mount namespace of its own where /etc/resolv.conf names a loopback address on which
 * the test's DNS server has port 53, and nothing of the machine's resolver is reachable from it.
 * That needs root, as the suite has (RunningAsRootTest).
 *
 * <p>The client names itself with XCLIENT (a proxy in front, XCLIENT_README), because libspf2, which
 * does opendmarc's SPF check, lets every loopback address pass ("localhost free ride"): the
 * milter must see an address from outside for SPF to fail.
 */
class OpendmarcVerdictSystemTest {

    /** The client outside, as XCLIENT names it; pass.example's SPF record lists it, the others do not. */
    private static final String CLIENT = "198.51.100.25";

    /** The DNS server and opendmarc serve every test (opendmarc takes 5 s to stop); each test has its own Bulwark. */
    @TempDir
    static Path shared;

    @TempDir
    Path root;

    private static TestDnsServer dns;
    private static PeerDaemon opendmarc;
    private static Path socket;
    private MailSystemFixture system;

    @BeforeAll
    static void startDnsAndOpendmarc() throws Exception {
        String uid = MailSystemFixture.run(List.of("id", "-u"), null).output().strip();
        assertThat(uid).as("opendmarc's own /etc/resolv.conf needs a mount namespace, so root (CI runs the suite"
                + " as root: sudo .ci/run); this user's UID is " + uid).isEqualTo("0");
        dns = dnsOnPort53();
        dns.addTxt("_dmarc.reject.example", "v=DMARC1; p=reject")
                .addTxt("reject.example", "v=spf1 ip4:192.0.2.99 -all")
                .addTxt("_dmarc.pass.example", "v=DMARC1; p=reject")
                .addTxt("pass.example", "v=spf1 ip4:" + CLIENT + " -all")
                .addTxt("_dmarc.none.example", "v=DMARC1; p=none")
                .addTxt("none.example", "v=spf1 ip4:192.0.2.99 -all");

        Path resolvConf = shared.resolve("resolv.conf");
        Files.writeString(resolvConf, "nameserver " + dns.host() + "\n");
        socket = shared.resolve("opendmarc.sock");
        Path conf = shared.resolve("opendmarc.conf");
        Files.writeString(conf, String.join("\n",
                "Socket local:" + socket,
                "AuthservID mail.example.test",
                "RejectFailures true",
                // SPF from opendmarc's own check only, never from a header the client wrote.
                "SPFSelfValidate true",
                "SPFIgnoreResults true",
                "PidFile " + shared.resolve("opendmarc.pid"),
                "Syslog false", ""));
        // unshare execs sh, which execs opendmarc: the process stopped at the end is opendmarc itself.
        // The namespace's mounts are private, so the bind mount never shows outside it.
        opendmarc = PeerDaemon.start("opendmarc", List.of(Peers.unshare(), "--mount", "--propagation", "private",
                        "sh", "-c", "unset RES_OPTIONS LOCALDOMAIN HOSTALIASES;"
                                + " mount --bind \"$0\" /etc/resolv.conf && exec \"$1\" -f -c \"$2\"",
                        resolvConf.toString(), Peers.opendmarc(), conf.toString()),
                shared.resolve("opendmarc.log"), Map.of()).awaitSocket(socket, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopDnsAndOpendmarc() {
        try {
            if (opendmarc != null) {
                opendmarc.close();
            }
        } finally {
            if (dns != null) {
                dns.close();
            }
        }
    }

    @BeforeEach
    void startBulwark() throws Exception {
        system = new MailSystemFixture(root)
                .set("smtpd_milters", "unix:" + socket)
                .set("milter_default_action", "tempfail")
                .set("smtpd_authorized_xclient_hosts", "127.0.0.0/8")
                .start();
    }

    @AfterEach
    void stopBulwark() {
        if (system != null) {
            system.close();
        }
    }

    /**
     * Port 53 of a loopback address of the test's own (not 127.0.0.1, nor systemd-resolved's
     * 127.0.0.53); the next one when another run has it.
     */
    private static TestDnsServer dnsOnPort53() throws IOException {
        BindException taken = null;
        for (int last = 1; last <= 20; last++) {
            try {
                return TestDnsServer.start(InetAddress.getByAddress(new byte[] {127, 0, 53, (byte) last}), 53);
            } catch (BindException e) {
                taken = e;
            }
        }
        throw new AssertionError("port 53 of 127.0.53.1 to 127.0.53.20 is taken", taken);
    }

    /** A whole transaction from CLIENT (named by XCLIENT), MAIL FROM and From: in the domain: the last reply. */
    private String send(String domain) throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.command("EHLO proxy.example")).startsWith("250");
            assertThat(smtp.command("XCLIENT NAME=mail." + domain + " ADDR=" + CLIENT)).startsWith("220 ");
            assertThat(smtp.command("EHLO mail." + domain)).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<sender@" + domain + ">")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            String reply = smtp.command(("From: sender@" + domain + "\nTo: alice@example.test\nSubject: dmarc "
                    + domain + "\nDate: Mon, 07 Dec 2026 04:00:00 +0000\nMessage-ID: <1@" + domain + ">\n\nHello.\n.")
                    .replace("\n", "\r\n"));
            smtp.command("QUIT");
            return reply;
        }
    }

    @Test
    void pRejectWithSpfFailingIsRefusedAtTheEndOfTheData() throws Exception {
        String reply = send("reject.example");

        assertThat(reply).as("opendmarc said:%n%s", opendmarc.output())
                .isEqualTo("550 5.7.1 rejected by DMARC policy for reject.example");
        assertThat(dns.questions()).as("opendmarc asked the test's server").contains("_dmarc.reject.example. TXT");
        system.awaitLog("milter-reject: END-OF-MESSAGE from mail.reject.example[" + CLIENT + "]: 5.7.1 rejected by "
                + "DMARC policy for reject.example; from=<sender@reject.example> to=<alice@example.test> proto=ESMTP "
                + "helo=<mail.reject.example>");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void spfPassingAndAlignedIsDeliveredWithDmarcPass() throws Exception {
        assertThat(send("pass.example")).as("opendmarc said:%n%s", opendmarc.output())
                .startsWith("250 2.0.0 Ok: queued as ");

        String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(delivered).as("the delivered message").contains("Subject: dmarc pass.example")
                .containsPattern("Authentication-Results: mail\\.example\\.test;\\s+spf=pass")
                .containsPattern("Authentication-Results: mail\\.example\\.test;\\s+dmarc=pass "
                        + "\\(p=reject dis=none\\) header\\.from=pass\\.example");
        assertThat(dns.questions()).contains("_dmarc.pass.example. TXT", "pass.example. TXT");
    }

    @Test
    void pNoneWithSpfFailingIsDeliveredWithDmarcFail() throws Exception {
        assertThat(send("none.example")).as("opendmarc said:%n%s", opendmarc.output())
                .startsWith("250 2.0.0 Ok: queued as ");

        String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(delivered).as("the delivered message").contains("Subject: dmarc none.example")
                .containsPattern("Authentication-Results: mail\\.example\\.test;\\s+spf=fail")
                .containsPattern("Authentication-Results: mail\\.example\\.test;\\s+dmarc=fail "
                        + "\\(p=none dis=none\\) header\\.from=none\\.example");
        assertThat(system.maillog()).doesNotContain("milter-reject");
    }
}
