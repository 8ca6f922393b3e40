package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.Peers;
import org.bulwark.testing.Postgrey;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * master.cf {@code spawn} services as the guides write them, reached by check_policy_service
 * over real SMTP from 127.0.0.2 (outside mynetworks): the real postfix-policyd-spf-perl, a
 * real postgrey on a socket under the queue directory, the user= switch, the time limit, reload.
 */
class SpawnServiceTest {

    private static final String OUTSIDE = "127.0.0.2";

    @TempDir
    Path root;

    private MailSystemFixture system;

    @BeforeEach
    void openTheTestDirectory() throws Exception {
        // Commands run as nobody, who must be able to read the scripts the tests write.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    private MailSystemFixture system(String restrictions) throws Exception {
        system = new MailSystemFixture(root.resolve("node"))
                .set("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination, " + restrictions);
        return system;
    }

    private String send(String sender, String recipient) throws Exception {
        return SmtpDialogue.send(system.port(), OUTSIDE, "client.example", sender, recipient, "Subject: spawn\n\nbody\n");
    }

    /** A policy server script: answers each request (ending with an empty line) with {@code action}. */
    private Path policyScript(String name, String onRequest) throws Exception {
        Path script = root.resolve(name);
        Files.writeString(script, """
                #!/bin/sh
                while IFS= read -r line; do
                  line=$(printf '%%s' "$line" | tr -d '\\r')
                  if [ -z "$line" ]; then
                    %s
                  fi
                done
                """.formatted(onRequest));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void theGuidesSpawnLineReachesTheRealPolicydSpf() throws Exception {
        String perl = Peers.policydSpf();
        system("check_policy_service unix:private/policy-spf")
                .set("policy-spf_time_limit", "3600s")
                .startWithServices("policy-spf unix  -       n       n       -       0       spawn\n"
                        + "    user=nobody  argv=/usr/bin/perl " + perl);

        assertThat(root.resolve("node/var/spool/private/policy-spf")).exists();
        // From loopback, which policyd-spf exempts: it answers with its own header.
        assertThat(send("sender@remote.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0)))
                .contains("\nAuthentication-Results: ").contains("; none (SPF not checked for localhost)");
        assertThat(system.maillog()).contains("postfix/spawn[")
                .contains("spawn service policy-spf listening on " + root.resolve("node/var/spool/private/policy-spf")
                        + ", command time limit 3600s")
                .doesNotContain("unused parameter: policy-spf_time_limit");
    }

    @Test
    void realPolicydSpfRefusesAnSpfFailAndMarksAPass() throws Exception {
        String perl = Peers.policydSpf();
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.addTxt("spf-fail.example", "v=spf1 -all");
            dns.addTxt("spf-pass.example", "v=spf1 ip4:192.0.2.25 -all");
            // policyd-spf never checks loopback clients, and every test client is on loopback: a
            // sed in front of it turns our client's address into an internet one, as a NAT would.
            // Net::DNS asks only the resolvers RES_NAMESERVERS names, at RES_OPTIONS' port.
            system("check_policy_service unix:private/policy-spf")
                    .set("export_environment", "TZ MAIL_CONFIG LANG RES_NAMESERVERS=127.0.0.1 RES_OPTIONS=port:"
                            + dns.port())
                    .startWithServices("policy-spf unix - n n - 0 spawn user=nobody argv=/bin/sh -c "
                            + "{ /usr/bin/sed -u 's/^client_address=127[.]0[.]0[.]2/client_address=192.0.2.25/'"
                            + " | /usr/bin/perl " + perl + " }");

            assertThat(send("sender@spf-fail.example", "alice@example.test")).startsWith("550 5.7.1 <alice@example.test>: "
                    + "Recipient address rejected: Please see http://www.openspf.org/Why?s=mfrom;"
                    + "id=sender%40spf-fail.example;ip=192.0.2.25;");
            system.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 550 5.7.1 <alice@example.test>: ");

            assertThat(send("sender@spf-pass.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0)))
                    .contains("Received-SPF: pass (spf-pass.example: 192.0.2.25 is authorized to use "
                            + "'sender@spf-pass.example' in 'mfrom' identity (mechanism 'ip4:192.0.2.25' matched))");
            assertThat(dns.queryCount()).isPositive();
        }
    }

    @Test
    void theCommandRunsAsTheUserOfItsUserAttributeWithOnlyTheExportedEnvironment() throws Exception {
        Path script = policyScript("whoami.sh", """
                echo "uid=$(id -u) gid=$(id -g) groups=$(id -G) env: $(env | sort | tr '\\n' ' ')" >&2
                    printf 'action=PREPEND X-Spawn-Uid: %s\\n\\n' "$(id -u)"
                """.strip());
        system("check_policy_service unix:private/whoami")
                .startWithServices("whoami unix - n n - 0 spawn user=nobody argv=/bin/sh " + script);

        assertThat(send("sender@remote.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0))).contains("\nX-Spawn-Uid: 65534\n");
        String log = system.awaitLog("warning: command /bin/sh: uid=65534 gid=65534 groups=65534 env: ");
        String environment = log.substring(log.indexOf("groups=65534 env: "));
        environment = environment.substring(0, environment.indexOf('\n'));
        assertThat(environment).contains("MAIL_CONFIG=" + system.conf).doesNotContain("PATH=").doesNotContain("HOME=");
    }

    @Test
    void anInetSpawnServiceListensOnItsHostAndPort() throws Exception {
        int port = FreePorts.next();
        Path script = policyScript("inet.sh", "printf 'action=PREPEND X-Spawn-Inet: yes\\n\\n'");
        system("check_policy_service inet:127.0.0.1:" + port)
                .startWithServices("127.0.0.1:" + port + " inet n n n - 0 spawn user=nobody argv=/bin/sh " + script);

        assertThat(system.maillog()).contains("spawn service 127.0.0.1:" + port + " listening on 127.0.0.1:" + port);
        assertThat(send("sender@remote.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0))).contains("\nX-Spawn-Inet: yes\n");
    }

    @Test
    void aCommandThatHangsIsKilledAfterItsTimeLimitAndTheClientGetsTheDefaultAction() throws Exception {
        Path script = policyScript("hang.sh", "sleep 3600");
        system("check_policy_service unix:private/hang")
                .set("hang_time_limit", "2s")
                .startWithServices("hang unix - n n - 0 spawn user=nobody argv=/bin/sh " + script);

        assertThat(send("sender@remote.example", "alice@example.test")).isEqualTo(
                "451 4.3.5 <alice@example.test>: Recipient address rejected: Server configuration problem");
        String log = system.awaitLog("command time limit exceeded");
        Matcher killed = Pattern.compile("warning: /bin/sh: process id (\\d+): command time limit exceeded").matcher(log);
        assertThat(killed.find()).as(log).isTrue();
        system.awaitLog("warning: command /bin/sh killed by signal 9");
        long pid = Long.parseLong(killed.group(1));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void realPostgreyOnASocketUnderTheQueueDirectoryGreylistsThenAccepts() throws Exception {
        Path socket = root.resolve("node/var/spool/postgrey/socket");
        try (Postgrey postgrey = Postgrey.startUnix(root.resolve("postgrey"), socket, 1)) {
            system("check_policy_service unix:postgrey/socket").start();

            assertThat(send("sender@remote.example", "alice@example.test")).isEqualTo("450 4.2.0 <alice@example.test>: "
                    + "Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.test.html");
            Thread.sleep(2_000);
            assertThat(send("sender@remote.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0)))
                    .containsPattern("\nX-Greylist: delayed \\d+ seconds by postgrey-[\\d.]+ at postgrey\\.example\\.test; ");
            assertThat(postgrey.log()).contains("action=greylist, reason=new").contains("action=pass, reason=triplet found");
        }
    }

    @Test
    void reloadKeepsTheSocketAndGivesNewConnectionsTheNewCommand() throws Exception {
        Path first = policyScript("first.sh", "printf 'action=PREPEND X-Policy-Version: 1\\n\\n'");
        Path second = policyScript("second.sh", "printf 'action=PREPEND X-Policy-Version: 2\\n\\n'");
        system("check_policy_service unix:private/versioned")
                .startWithServices("versioned unix - n n - 0 spawn user=nobody argv=/bin/sh " + first);
        assertThat(send("sender@remote.example", "alice@example.test")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0))).contains("\nX-Policy-Version: 1\n");

        system.writeServices("versioned unix - n n - 0 spawn user=nobody argv=/bin/sh " + second);
        assertThat(system.master().reload()).isEmpty();
        assertThat(send("sender@remote.example", "bob@example.test")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(Files.readString(system.awaitDelivered("bob", 1).get(0))).contains("\nX-Policy-Version: 2\n");

        // A broken line is refused with its place; the running service keeps serving.
        system.writeServices("versioned unix - n n - 0 spawn user=root argv=/bin/sh " + first);
        assertThat(system.master().reload()).singleElement().asString().startsWith(system.conf.resolve("master.cf")
                + ", line 9: spawn: user=root: the command must not run as root");
        assertThat(send("sender@remote.example", "bob@example.test")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(Files.readString(system.awaitDelivered("bob", 2).get(1))).contains("\nX-Policy-Version: 2\n");

        system.writeServices("");
        assertThat(system.master().reload()).isEmpty();
        assertThat(root.resolve("node/var/spool/private/versioned")).doesNotExist();
    }

    @Test
    void aBrokenSpawnLineIsRefusedWithItsMasterCfLine() throws Exception {
        system("check_policy_service unix:private/policy-spf").writeServices(
                "policy-spf unix - n n - 0 spawn argv=/usr/bin/perl /usr/sbin/postfix-policyd-spf-perl");
        String problem = org.junit.jupiter.api.Assertions.assertThrows(org.bulwark.config.ConfigException.class,
                () -> org.bulwark.master.Master.start(system.conf)).getMessage();
        assertThat(problem).isEqualTo(system.conf.resolve("master.cf") + ", line 9: spawn: missing user= attribute;"
                + " name the unprivileged account the command runs as, e.g. user=nobody"
                + " argv=/usr/bin/perl /usr/sbin/postfix-policyd-spf-perl");
    }

    /**
     * Guide 004 writes {@code policy_time_limit = 3600 # ...} indented under the restriction list:
     * Postfix reads that line as more of the list and fails each RCPT with "unknown smtpd
     * restriction"; Bulwark refuses to start and says how to write it.
     */
    @Test
    void guide004sIndentedPolicyTimeLimitIsRefusedWithTheFix() throws Exception {
        system = new MailSystemFixture(root.resolve("node")).set("smtpd_recipient_restrictions", "\n"
                + "  check_policy_service unix:private/policy-spf,\n"
                + "  policy_time_limit = 3600 # Default is 1000; too short[^12]");
        system.writeServices("policy-spf unix - n n - 0 spawn user=nobody argv=/usr/bin/perl " + Peers.policydSpf());
        int line = Files.readAllLines(system.conf.resolve("main.cf")).indexOf("smtpd_recipient_restrictions = ") + 1;

        String problem = org.junit.jupiter.api.Assertions.assertThrows(org.bulwark.config.ConfigException.class,
                () -> org.bulwark.master.Master.start(system.conf)).getMessage();
        assertThat(problem).isEqualTo(system.conf.resolve("main.cf") + ", line " + line + ": \"policy_time_limit = ...\""
                + " is read as part of smtpd_recipient_restrictions: a line that starts with white space continues the"
                + " one before; to set policy_time_limit, start its line in the first column (and put a # comment on a"
                + " line of its own)");
    }

    /** Written on its own line, the guide's policy_time_limit is Postfix's limit of a service named policy only. */
    @Test
    void policyTimeLimitForAServiceNotNamedPolicyIsReportedNotIgnored() throws Exception {
        system("check_policy_service unix:private/policy-spf").set("policy_time_limit", "3600")
                .startWithServices("policy-spf unix - n n - 0 spawn user=nobody argv=/usr/bin/perl " + Peers.policydSpf());

        assertThat(system.maillog()).contains("warning: policy_time_limit applies to a spawn service named policy,"
                + " and master.cf has none; to limit policy-spf set policy-spf_time_limit (now $command_time_limit)")
                .contains("spawn service policy-spf listening on ").contains("command time limit 1000s")
                .doesNotContain("unused parameter: policy_time_limit");
    }
}
