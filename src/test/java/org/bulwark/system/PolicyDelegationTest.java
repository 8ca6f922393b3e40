package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.SmtpdRestrictions;
import org.bulwark.restrict.Stage;
import org.bulwark.testing.Peers;
import org.bulwark.testing.Postgrey;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check_policy_service over real SMTP with the guides' policy servers: a real postgrey, our
 * built-in greylist, and a real postfix-policyd-spf-perl that master.cf's spawn service runs
 * behind a UNIX socket under the queue directory. The client connects from 127.0.0.2, outside
 * mynetworks.
 */
class PolicyDelegationTest {

    private static final String OUTSIDE = "127.0.0.2";
    private static final int DELAY = 2;

    @TempDir
    Path root;

    private MailSystemFixture system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    private MailSystemFixture system(String policy) throws Exception {
        return configure(policy).start();
    }

    /** The system with {@code policy} last in smtpd_recipient_restrictions, not started yet. */
    private MailSystemFixture configure(String policy) throws java.io.IOException {
        system = new MailSystemFixture(root.resolve("node"))
                .set("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination, " + policy)
                .set("greylist_delay", DELAY + "s");
        return system;
    }

    /** MAIL and RCPT from outside; the RCPT reply (or the refusal of MAIL). */
    private String rcpt(String sender, String recipient) throws Exception {
        return SmtpDialogue.rcpt(system.port(), OUTSIDE, "client.example", sender, recipient);
    }

    private String send(String sender, String recipient) throws Exception {
        return SmtpDialogue.send(system.port(), OUTSIDE, "client.example", sender, recipient,
                "Subject: greylisted\n\nbody\n");
    }

    @Test
    void realPostgreyGreylistsTheFirstTryAndAcceptsAfterTheDelay() throws Exception {
        try (Postgrey postgrey = Postgrey.start(root.resolve("postgrey"), DELAY)) {
            system("check_policy_service inet:127.0.0.1:" + postgrey.port());

            assertThat(rcpt("sender@remote.example", "alice@example.test")).isEqualTo("450 4.2.0 <alice@example.test>: "
                    + "Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.test.html");
            system.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 450 4.2.0 <alice@example.test>: "
                    + "Recipient address rejected: Greylisted");
            Thread.sleep((DELAY + 1) * 1000L);
            assertThat(send("sender@remote.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");
            Path message = system.awaitDelivered("alice", 1).get(0);
            assertThat(java.nio.file.Files.readString(message))
                    .containsPattern("\nX-Greylist: delayed \\d+ seconds by postgrey-[\\d.]+ at postgrey\\.example\\.test; ");
            assertThat(postgrey.log()).contains("action=greylist, reason=new")
                    .contains("action=pass, reason=triplet found");
        }
    }

    @Test
    void builtinGreylistGreylistsTheFirstTryAcceptsAfterTheDelayAndRemembersAcrossARestart() throws Exception {
        system("check_policy_service builtin:greylist");

        assertThat(rcpt("sender@remote.example", "bob@example.test")).isEqualTo("450 4.2.0 <bob@example.test>: "
                + "Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.test.html");
        assertThat(rcpt("sender@remote.example", "bob@example.test")).startsWith("450 4.2.0");
        Thread.sleep((DELAY + 1) * 1000L);
        assertThat(send("sender@remote.example", "bob@example.test")).startsWith("250 2.0.0 Ok: queued as ");
        Path message = system.awaitDelivered("bob", 1).get(0);
        assertThat(java.nio.file.Files.readString(message))
                .containsPattern("\nX-Greylist: delayed \\d+ seconds by postgrey-bulwark at mail\\.example\\.test; ")
                .containsOnlyOnce("X-Greylist:");

        system.stop();
        system.start();
        assertThat(rcpt("sender@remote.example", "bob@example.test")).isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt("other@remote.example", "bob@example.test")).startsWith("450 4.2.0");
    }

    @Test
    void anUnreachablePolicyServerGivesTheDefaultAction() throws Exception {
        system("check_policy_service { inet:127.0.0.1:1, try_limit=1, default_action=450 4.7.1 Policy unavailable }");

        assertThat(rcpt("sender@remote.example", "alice@example.test"))
                .isEqualTo("450 4.7.1 <alice@example.test>: Recipient address rejected: Policy unavailable");
        system.awaitLog("warning: problem talking to server inet:127.0.0.1:1: ");
    }

    @Test
    void realPolicydSpfOverAUnixSocketUnderTheQueueDirectory() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.addTxt("spf-fail.example", "v=spf1 -all");
            dns.addTxt("spf-pass.example", "v=spf1 ip4:192.0.2.0/24 -all");
            Path spool = root.resolve("node/var/spool");
            // The guides' master.cf spawn line. Net::DNS reads RES_NAMESERVERS and RES_OPTIONS
            // instead of /etc/resolv.conf: only the test's DNS server is asked.
            configure("check_policy_service unix:private/policy-spf")
                    .set("export_environment", "TZ MAIL_CONFIG LANG RES_NAMESERVERS=127.0.0.1"
                            + " { RES_OPTIONS=port:" + dns.port() + " retrans:1 retry:1 }")
                    .startWithServices("policy-spf unix - n n - 0 spawn user=nobody argv=/usr/bin/perl "
                            + Peers.policydSpf());

            // Over SMTP from a loopback address, which policyd-spf exempts (its exempt_localhost).
            assertThat(send("sender@spf-fail.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued");
            Path message = system.awaitDelivered("alice", 1).get(0);
            assertThat(java.nio.file.Files.readString(message))
                    .contains("\nAuthentication-Results: ").contains("; none (SPF not checked for localhost)");

            // The same restriction list for a client on the internet.
            Map<String, String> values = new HashMap<>(Map.of("mynetworks", "127.0.0.1/32",
                    "queue_directory", spool.toString(), "smtpd_relay_restrictions", "reject_unauth_destination",
                    "relay_domains", "example.test",
                    "smtpd_recipient_restrictions", "check_policy_service unix:private/policy-spf"));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            SmtpdRestrictions restrictions = new SmtpdRestrictions(Config.of(values),
                    MailLog.to(new PrintStream(log, true, StandardCharsets.UTF_8), "mx", "postfix").program("smtpd"));

            Decision fail = restrictions.check(Stage.RCPT, internetClient("sender@spf-fail.example"));
            Decision pass = restrictions.check(Stage.RCPT, internetClient("sender@spf-pass.example"));

            assertThat(fail).isInstanceOf(Decision.Refuse.class);
            // Debian's policyd-spf answers "550 <explanation>"; Postfix adds 5.7.1 and the reply class.
            assertThat(((Decision.Refuse) fail).reply().toString()).startsWith("550 5.7.1 <alice@example.test>: "
                    + "Recipient address rejected: Please see http://www.openspf.org/Why?s=mfrom;"
                    + "id=sender%40spf-fail.example;ip=192.0.2.25;");
            assertThat(pass.accepted()).isTrue();
            List<String> headers = new java.util.ArrayList<>();
            restrictions.check(Stage.RCPT, internetClient("sender@spf-pass.example")).actions()
                    .forEach(a -> headers.add(((org.bulwark.restrict.MessageAction.Prepend) a).header()));
            assertThat(headers).singleElement().asString()
                    .startsWith("Received-SPF: pass (spf-pass.example: 192.0.2.25 is authorized to use "
                            + "'sender@spf-pass.example' in 'mfrom' identity (mechanism 'ip4:192.0.2.0/24' matched))");
            assertThat(dns.queryCount()).isPositive();
        }
    }

    @Test
    void builtinSpfRefusesAFailWith5723AndMarksOtherMailWithReceivedSpf() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.addTxt("spf-fail.example", "v=spf1 -all");
            dns.addTxt("spf-pass.example", "v=spf1 ip4:127.0.0.2 -all");
            system = new MailSystemFixture(root.resolve("node"))
                    .set("dns_servers", dns.address())
                    .set("smtpd_recipient_restrictions",
                            "permit_mynetworks, reject_unauth_destination, check_policy_service builtin:spf")
                    .start();

            assertThat(rcpt("sender@spf-fail.example", "alice@example.test")).startsWith("550 5.7.23 "
                    + "<alice@example.test>: Recipient address rejected: Message rejected due to: SPF fail - not "
                    + "authorized. ");
            assertThat(send("sender@spf-pass.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");
            Path message = system.awaitDelivered("alice", 1).get(0);
            assertThat(java.nio.file.Files.readString(message)).containsOnlyOnce("Received-SPF: pass (")
                    .contains("client-ip=127.0.0.2");
        }
    }

    private static SmtpdContext internetClient(String sender) throws Exception {
        return new SmtpdContext(InetAddress.getByName("192.0.2.25"), "unknown", "unknown", "mail.sender.example",
                MailAddress.of(sender), MailAddress.of("alice@example.test"), null, "ESMTP", 0, 0, false);
    }
}
