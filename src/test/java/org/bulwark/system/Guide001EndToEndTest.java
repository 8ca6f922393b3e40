package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.testing.DovecotPeer;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guide 001 ("Bulletproof Postfix: Surviving the Spam Wars"): its main.cf as written, with
 * {@code myorigin = /etc/mailname}, IPv6 forms in mynetworks, an unindented restriction list,
 * TLS with {@code smtpd_tls_auth_only} and Dovecot SASL. The file names point into the test's
 * directories; a real Dovecot serves {@code private/auth}; swaks plays the remote user.
 */
class Guide001EndToEndTest {

    @RegisterExtension
    static final GuideZone dns = new GuideZone();

    @TempDir
    Path root;

    private GuideSystem guide;
    private DovecotPeer dovecot;
    private FakeSmtpServer remote;
    private int ipv6Port;

    @BeforeEach
    void start() throws Exception {
        dovecot = GuideSystem.startDovecot(root, "alice@yourdomain.no");
        remote = FakeSmtpServer.start(FakeSmtpServer.options());
        Path tls = Files.createDirectories(root.resolve("pki"));
        Path[] keyAndCert = OpensslCertificates.make(tls, "mail", KeyForm.RSA_PKCS8, "mail.yourdomain.no");
        Path mailname = Files.writeString(root.resolve("mailname"), "yourdomain.no\n");
        ipv6Port = MailSystemFixture.freePort();
        guide = new GuideSystem(root, dns).masterCf("[::1]:" + ipv6Port + " inet n - n - - smtpd").start("guide-001",
                "myorigin = " + mailname,
                "smtpd_tls_cert_file = " + keyAndCert[1],
                "smtpd_tls_key_file = " + keyAndCert[0],
                // the guide's IPv6 forms, narrowed like the IPv4 one so that 127.0.0.2 is outside
                "mynetworks = 127.0.0.1/32 [::ffff:127.0.0.1]/128 [::1]/128",
                "relayhost = [127.0.0.1]:" + remote.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (guide != null) {
            guide.close();
        }
        if (remote != null) {
            remote.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private MailSystemFixture.ProcessResult swaks(String from, String to, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.swaks(), "--server", "127.0.0.1", "--port",
                Integer.toString(guide.port()), "--local-interface", "127.0.0.2", "--ehlo", "laptop.remote.example",
                "--from", from, "--to", to, "--timeout", "20"));
        command.addAll(List.of(extra));
        return MailSystemFixture.run(command, null);
    }

    /** The restriction list the guide writes without indentation still reads as one list, with a warning per line. */
    @Test
    void theGuidesLinesLoadWithAWarningOnlyForItsUnindentedList() throws Exception {
        guide.system.awaitLog("daemon started");
        List<String> warnings = guide.warnings();
        assertThat(warnings).filteredOn(w -> w.contains("line does not start with white space")).hasSize(9);
        assertThat(warnings).filteredOn(w -> !w.contains("line does not start with white space"))
                .allMatch(w -> w.matches(".*main\\.cf, line \\d+: overriding earlier entry: (myorigin|mynetworks"
                        + "|smtpd_tls_cert_file|smtpd_tls_key_file)=.*"), "overrides of the test's own lines")
                .hasSize(5); // mynetworks twice: the harness's line, then this test's
    }

    @Test
    void theTelnetTestIsRefusedFromOutsideAndAuthIsOnlyOfferedOverTls() throws Exception {
        try (SmtpDialogue telnet = new SmtpDialogue(guide.port(), "127.0.0.2")) {
            assertThat(telnet.reply()).isEqualTo("220 mail.yourdomain.no ESMTP Bulwark");
            assertThat(telnet.command("EHLO test.com")).contains("250-STARTTLS").doesNotContain("AUTH");
            assertThat(telnet.command("AUTH PLAIN " + GuideSystem.plain("alice@yourdomain.no", "wonderland")))
                    .startsWith("5");
            assertThat(telnet.command("MAIL FROM: <spammer@test.com>")).isEqualTo("250 2.1.0 Ok");
            assertThat(telnet.command("RCPT TO: <victim@yourdomain.no>"))
                    .isEqualTo("454 4.7.1 <victim@yourdomain.no>: Relay access denied");
        }
    }

    @Test
    void aDovecotLoginOverStartTlsRelaysAndTheMessageIsDelivered() throws Exception {
        var result = swaks("alice@yourdomain.no", "friend@remote.example", "--tls", "--auth", "PLAIN",
                "--auth-user", "alice@yourdomain.no", "--auth-password", "wonderland");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("<~  235 2.7.0 Authentication successful");
        var message = remote.awaitMessages(1).get(0);
        assertThat(message.mailFrom()).startsWith("<alice@yourdomain.no>");
        assertThat(message.recipients()).containsExactly("friend@remote.example");
        assertThat(guide.system.awaitLog("status=sent"))
                .contains("client=unknown[127.0.0.2], sasl_method=PLAIN, sasl_username=alice@yourdomain.no");
    }

    @Test
    void withoutALoginTlsAloneDoesNotRelay() throws Exception {
        var result = swaks("alice@yourdomain.no", "friend@remote.example", "--tls");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("<~* 454 4.7.1 <friend@remote.example>: Relay access denied");
    }

    /** myorigin = /etc/mailname: a bare sender from the own network leaves as user@ the file's domain. */
    @Test
    void myoriginComesFromTheMailnameFile() throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(guide.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO localhost");
            assertThat(smtp.command("MAIL FROM:<root>")).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<friend@remote.example>")).isEqualTo("250 2.1.5 Ok");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: cron\r\n\r\nnightly report\r\n.")).startsWith("250 2.0.0 Ok: queued as ");
        }
        var message = remote.awaitMessages(1).get(0);
        assertThat(message.mailFrom()).startsWith("<root@yourdomain.no>");
    }

    /** mynetworks' [::1]/128: the machine itself relays over IPv6 too. */
    @Test
    void theIpv6LoopbackIsInMynetworks() throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 0));
            socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), ipv6Port), 5000);
            socket.setSoTimeout(30_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            var out = socket.getOutputStream();
            assertThat(in.readLine()).isEqualTo("220 mail.yourdomain.no ESMTP Bulwark");
            java.util.function.Function<String, String> command = line -> {
                try {
                    out.write((line + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.flush();
                    return in.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            assertThat(command.apply("HELO localhost")).startsWith("250 ");
            assertThat(command.apply("MAIL FROM:<root@yourdomain.no>")).isEqualTo("250 2.1.0 Ok");
            assertThat(command.apply("RCPT TO:<friend@remote.example>")).isEqualTo("250 2.1.5 Ok");
        }
        guide.system.awaitLog("connect from localhost[::1]");
    }

    @Test
    void clientsInTheGuidesBlockListsAreRefused() throws Exception {
        assertThat(guide.rcpt(GuideZone.LISTED_IN_ZEN, "mail.remote.example", "a@remote.example",
                "postmaster@mail.yourdomain.no"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.10] blocked using zen.spamhaus.org;"
                        + " https://www.spamhaus.org/query/ip/127.0.0.10");
        assertThat(guide.rcpt(GuideZone.LISTED_IN_SPAMCOP, "mail.remote.example", "a@remote.example",
                "postmaster@mail.yourdomain.no"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.11] blocked using bl.spamcop.net");
        assertThat(guide.rcpt("127.0.0.2", "blarghhh", "a@remote.example", "postmaster@mail.yourdomain.no"))
                .isEqualTo("504 5.5.2 <blarghhh>: Helo command rejected: need fully-qualified hostname");
        assertThat(guide.rcpt("127.0.0.2", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("250 2.1.5 Ok");
    }
}
