package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.MtaStsPolicyServer;
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS through the whole server with its default settings: mail to a domain with an enforced
 * policy waits in the queue, with the reason in the maillog, rather than go to an MX that cannot
 * prove its name; the policy is cached under data_directory.
 */
class MtaStsOutboundTest {

    @TempDir
    Path dir;

    private TestDnsServer dns;
    private MailSystemFixture mail;
    private MtaStsPolicyServer policyHost;
    private FakeSmtpServer remote;

    @BeforeEach
    void start() throws Exception {
        TestCa ca = TestCa.create("Test Web CA");
        policyHost = MtaStsPolicyServer.start(ca.issue("mta-sts.remote.test").serverContext())
                .policy("version: STSv1\nmode: enforce\nmx: mx.remote.test\nmax_age: 604800\n");
        dns = TestDnsServer.start();
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1")
                .addTxt("_mta-sts.remote.test", "v=STSv1; id=1;").addA("mta-sts.remote.test", "127.0.0.1");
        // A certificate no CA vouches for: opportunistic TLS would take it, the policy must not.
        remote = FakeSmtpServer.start(FakeSmtpServer.options()
                .starttls(TestCertificates.selfSigned("mx.remote.test").serverContext()));
        mail = new MailSystemFixture(dir.resolve("sender"));
        mail.set("dns_servers", dns.address())
                .set("smtp_tcp_port", String.valueOf(remote.port()))
                .set("smtp_tls_security_level", "may")
                .set("smtp_tls_CAfile", new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ca.pem"))
                        .toString())
                .set("smtp_mta_sts_https_port", String.valueOf(policyHost.port()));
    }

    @AfterEach
    void stop() throws Exception {
        mail.close();
        remote.close();
        policyHost.close();
        dns.close();
    }

    @Test
    void anEnforcedPolicyDefersMailToAnMxWithAnUntrustedCertificate() throws Exception {
        mail.start();
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@remote.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: sts\r\n\r\nhello\r\n.")).startsWith("250");
            c.command("QUIT");
        }

        String log = mail.awaitLog("status=deferred");
        assertThat(log).containsPattern("postfix/smtp\\[\\d+\\]: [0-9A-F]+: to=<bob@remote.test>, "
                + "relay=mx.remote.test\\[127.0.0.1\\]:" + remote.port() + ", .*dsn=4.7.5, status=deferred "
                + "\\(MTA-STS policy for remote.test: Server certificate not trusted: mx.remote.test\\[127.0.0.1\\]: "
                + "untrusted issuer\\)");
        assertThat(log).contains("MTA-STS policy for remote.test: id 1, mode enforce, mx mx.remote.test, max_age 604800");
        assertThat(remote.commands()).noneMatch(command -> command.startsWith("MAIL"));
        assertThat(dir.resolve("sender/var/lib/mta-sts/remote.test")).exists();
    }
}
