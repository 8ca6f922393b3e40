package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.testing.Peers;
import org.bulwark.testing.RedisServer;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * postscreen on the SMTP port with smtpd behind it as the pass service (POSTSCREEN_README's
 * master.cf), over real sockets: clients connect from 127.0.0.2 (outside mynetworks, which
 * permit_mynetworks would allowlist), DNS lists are served by a test DNS server on loopback.
 */
class PostscreenTest {

    private static final String CLIENT = "127.0.0.2";
    private static final String SMTPD_BANNER = "220 mail.example.test ESMTP Bulwark";
    private static final String TEASER = "220-mail.example.test ESMTP Bulwark";

    @TempDir
    Path root;

    private MailSystemFixture a;
    private MailSystemFixture b;
    private TestDnsServer dns;

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private MailSystemFixture node(Path dir, String... postscreenOptions) throws Exception {
        return new MailSystemFixture(dir).postscreen(postscreenOptions)
                .set("postscreen_greet_wait", "1s")
                .set("postscreen_cache_map", "btree:" + dir.resolve("var/lib/postscreen_cache"));
    }

    private TestDnsServer dns() throws Exception {
        dns = TestDnsServer.start();
        return dns;
    }

    @Test
    void aCleanClientPassesNewAndItsMailIsDeliveredOnTheSameConnectionThenPassesOld() throws Exception {
        a = node(root).start();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
            // The teaser, the greet wait, then smtpd's own banner finishes the reply.
            assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
            assertThat(smtp.command("EHLO client.example")).startsWith("250-mail.example.test");
            assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("DATA")).startsWith("354");
            assertThat(smtp.command("Subject: screened\r\n\r\nhello\r\n.")).startsWith("250 2.0.0 Ok: queued as");
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
        a.awaitDelivered("alice", 1);
        String log = a.awaitLog("postfix/smtpd");
        assertThat(log).containsPattern("postfix/postscreen\\[\\d+\\]: CONNECT from \\[127\\.0\\.0\\.2\\]:\\d+ to "
                + "\\[127\\.0\\.0\\.1\\]:" + a.port());
        assertThat(log).containsPattern("postfix/postscreen\\[\\d+\\]: PASS NEW \\[127\\.0\\.0\\.2\\]:\\d+");
        assertThat(log).contains("postfix/smtpd").contains("connect from unknown[127.0.0.2]");

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
            // Cached: no teaser, no wait; smtpd answers at once.
            assertThat(smtp.reply()).isEqualTo(SMTPD_BANNER);
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
        a.awaitLog("PASS OLD [127.0.0.2]:");
    }

    @Test
    void swaksWaitsOutTheTeaserAndDeliversThroughSmtpd() throws Exception {
        a = node(root).start();

        var result = MailSystemFixture.run(List.of(Peers.swaks(), "--server", "127.0.0.1", "--port",
                Integer.toString(a.port()), "--local-interface", CLIENT, "--from", "sender@remote.example",
                "--to", "bob@example.test", "--timeout", "20"), null);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("<-  " + TEASER).containsPattern("<[-~] +250 2\\.0\\.0 Ok: queued as");
        a.awaitDelivered("bob", 1);
        a.awaitLog("PASS NEW [127.0.0.2]:");
    }

    @Test
    void aClientThatTalksBeforeItsTurnIsLoggedAndRefusedAtRcpt() throws Exception {
        a = node(root).set("postscreen_greet_action", "enforce").start();

        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(CLIENT, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", a.port()), 5000);
            socket.setSoTimeout(30_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertThat(in.readLine()).isEqualTo(TEASER);
            out.write("EHLO zombie.example\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // No greeting after a pregreet (Postfix's postscreen); the EHLO is answered by postscreen's engine.
            assertThat(in.readLine()).isEqualTo("250-mail.example.test");
            String line;
            while ((line = in.readLine()).startsWith("250-")) {
                assertThat(line).isNotEqualTo("250-PIPELINING");
            }
            out.write("MAIL FROM:<spam@zombie.example>\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("250 2.1.0 Ok");
            out.write("RCPT TO:<alice@example.test>\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("550 5.5.1 Protocol error");
            out.write("QUIT\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("221 2.0.0 Bye");
        }
        String log = a.awaitLog("DISCONNECT [127.0.0.2]:");
        assertThat(log).containsPattern("PREGREET 21 after [0-9.]+ from \\[127\\.0\\.0\\.2\\]:\\d+: "
                + "EHLO zombie\\.example\\\\r\\\\n");
        assertThat(log).containsPattern("NOQUEUE: reject: RCPT from \\[127\\.0\\.0\\.2\\]:\\d+: 550 5\\.5\\.1 Protocol error; "
                + "from=<spam@zombie\\.example>, to=<alice@example\\.test>, proto=ESMTP, helo=<zombie\\.example>");
        assertThat(log).doesNotContain("PASS NEW").doesNotContain("postfix/smtpd");
    }

    @Test
    void aClientTheDnsListsScoreAtTheThresholdIsRefusedWithPostfixsText() throws Exception {
        dns().addA("2.0.0.127.zen.example", "127.0.0.2").addA("2.0.0.127.small.example", "127.0.0.2");
        a = node(root).set("dns_servers", "127.0.0.1:" + dns.port())
                .set("postscreen_dnsbl_sites", "zen.example=127.0.0.[2..11]*2, small.example, other.example*5")
                .set("postscreen_dnsbl_threshold", "3")
                .set("postscreen_dnsbl_action", "enforce")
                .set("postscreen_dnsbl_reply_map", "inline:{ zen.example=zen.public.example }").start();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
            assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
            assertThat(smtp.command("EHLO client.example")).startsWith("250-mail.example.test");
            assertThat(smtp.command("MAIL FROM:<a@remote.example>")).isEqualTo("250 2.1.0 Ok");
            // postscreen_dnsbl_reply_map: clients see the public name, not the one queried.
            assertThat(smtp.command("RCPT TO:<alice@example.test>"))
                    .isEqualTo("550 5.7.1 Service unavailable; client [127.0.0.2] blocked using zen.public.example");
        }
        String log = a.awaitLog("DNSBL rank 3 for [127.0.0.2]:");
        assertThat(log).doesNotContain("postfix/smtpd");
    }

    @Test
    void aNegativeAllowListWeightPassesTheClientPastTheDeepTests() throws Exception {
        dns().addA("2.0.0.127.zen.example", "127.0.0.2").addA("2.0.0.127.wl.example", "127.0.10.2");
        a = node(root).set("dns_servers", "127.0.0.1:" + dns.port())
                .set("postscreen_dnsbl_sites", "zen.example*2 wl.example=127.0.[0..255].[1..3]*-5")
                .set("postscreen_dnsbl_threshold", "2")
                .set("postscreen_dnsbl_allowlist_threshold", "-1")
                .set("postscreen_dnsbl_action", "enforce")
                .set("postscreen_pipelining_enable", "yes").start();

        // Score -3: allowlisted for the pipelining test too, so smtpd serves at once.
        String reply = SmtpDialogue.rcpt(a.port(), CLIENT, "client.example", "a@remote.example", "alice@example.test");
        assertThat(reply).isEqualTo("250 2.1.5 Ok");
        a.awaitLog("PASS NEW [127.0.0.2]:");
    }

    @Test
    void theAccessListAllowsAndDeniesByCidrTable() throws Exception {
        Files.createDirectories(root.resolve("conf"));
        Files.writeString(root.resolve("conf/postscreen_access.cidr"), """
                127.0.0.2/32    permit
                127.0.0.3/32    reject
                127.0.0.0/8     dunno
                """);
        a = node(root).set("postscreen_access_list", "permit_mynetworks, cidr:" + root.resolve("conf/postscreen_access.cidr"))
                .set("postscreen_denylist_action", "drop").start();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), "127.0.0.2")) {
            assertThat(smtp.reply()).isEqualTo(SMTPD_BANNER);
        }
        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), "127.0.0.3")) {
            assertThat(smtp.reply()).isEqualTo("521 5.3.2 Service currently unavailable");
            assertThat(smtp.reply()).isEmpty();
        }
        a.awaitLog("ALLOWLISTED [127.0.0.2]:");
        a.awaitLog("DENYLISTED [127.0.0.3]:");
        a.awaitLog("DISCONNECT [127.0.0.3]:");
    }

    @Test
    void theOlderWhitelistedWordIsLoggedWithoutRespectfulLogging() throws Exception {
        a = node(root).set("respectful_logging", "no").set("postscreen_access_list", "static:permit").start();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
            assertThat(smtp.reply()).isEqualTo(SMTPD_BANNER);
        }
        a.awaitLog("WHITELISTED [127.0.0.2]:");
    }

    @Test
    void aDeepTestAnswers450FirstAndTheClientPassesOnItsNextConnection() throws Exception {
        a = node(root).set("postscreen_pipelining_enable", "yes").set("postscreen_bare_newline_enable", "yes")
                .set("postscreen_non_smtp_command_enable", "yes").start();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
            assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
            assertThat(smtp.command("EHLO client.example")).startsWith("250-mail.example.test")
                    .doesNotContain("PIPELINING").doesNotContain("STARTTLS");
            assertThat(smtp.command("MAIL FROM:<a@remote.example>")).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("450 4.3.2 Service currently unavailable");
            assertThat(smtp.command("QUIT")).isEqualTo("221 2.0.0 Bye");
        }
        a.awaitLog("PASS NEW [127.0.0.2]:");
        assertThat(SmtpDialogue.rcpt(a.port(), CLIENT, "client.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("250 2.1.5 Ok");
        a.awaitLog("PASS OLD [127.0.0.2]:");
    }

    @Test
    void theDeepTestsCatchPipeliningAndNonSmtpCommands() throws Exception {
        a = node(root).set("postscreen_pipelining_enable", "yes")
                .set("postscreen_non_smtp_command_enable", "yes").start();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
            smtp.reply();
            smtp.send("EHLO client.example\r\nMAIL FROM:<a@remote.example>\r\n");
            assertThat(smtp.reply()).startsWith("250-mail.example.test");
            assertThat(smtp.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("550 5.5.1 Protocol error");
        }
        a.awaitLog("COMMAND PIPELINING from [127.0.0.2]:");
        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), "127.0.0.3")) {
            smtp.reply();
            assertThat(smtp.command("GET / HTTP/1.0")).isEqualTo("521 5.7.0 Error: I can break rules, too. Goodbye.");
        }
        a.awaitLog("NON-SMTP COMMAND from [127.0.0.3]:");
        assertThat(a.maillog()).doesNotContain("PASS NEW");
    }

    @Test
    void theClientAProxyHeaderNamesIsScreenedAndHandedToSmtpd() throws Exception {
        a = node(root).set("postscreen_upstream_proxy_protocol", "haproxy").start();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), "127.0.0.1")) {
            smtp.send("PROXY TCP4 192.0.2.9 127.0.0.1 5555 25\r\n");
            // 192.0.2.9 is outside mynetworks: screened, not allowlisted as the proxy would be.
            assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
            assertThat(smtp.command("EHLO client.example")).startsWith("250-mail.example.test");
            assertThat(smtp.command("MAIL FROM:<a@remote.example>")).isEqualTo("250 2.1.0 Ok");
            // smtpd judges the proxied client: relaying to elsewhere is refused for it.
            assertThat(smtp.command("RCPT TO:<x@elsewhere.example>")).startsWith("554 5.7.1 <x@elsewhere.example>: "
                    + "Relay access denied");
        }
        String log = a.awaitLog("PASS NEW [192.0.2.9]:5555");
        assertThat(log).contains("CONNECT from [192.0.2.9]:5555 to [127.0.0.1]:25")
                .contains("connect from unknown[192.0.2.9]");
    }

    @Test
    void aClientThatSmtpdServesStillPassesOldOnASecondConnection() throws Exception {
        a = node(root).start();

        try (SmtpDialogue first = new SmtpDialogue(a.port(), CLIENT)) {
            assertThat(first.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
            a.awaitLog("PASS NEW [127.0.0.2]:");
            // The first connection is smtpd's now; the second is not a concurrent one at postscreen.
            try (SmtpDialogue second = new SmtpDialogue(a.port(), CLIENT)) {
                assertThat(second.reply()).isEqualTo(SMTPD_BANNER);
            }
            assertThat(first.command("NOOP")).startsWith("250");
        }
        a.awaitLog("PASS OLD [127.0.0.2]:");
    }

    @Test
    void aReloadKeepsTheListenerAndScreensWithTheNewSettings() throws Exception {
        a = node(root).start();
        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
            assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
        }

        Files.writeString(a.conf.resolve("deny.cidr"), "127.0.0.2/32 reject\n");
        a.set("postscreen_access_list", "cidr:" + a.conf.resolve("deny.cidr"))
                .set("postscreen_denylist_action", "drop").writeConfig();
        assertThat(a.master().reload()).isEmpty();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
            assertThat(smtp.reply()).isEqualTo("521 5.3.2 Service currently unavailable");
        }
        a.awaitLog("DENYLISTED [127.0.0.2]:");
    }

    @Test
    void theProxyProtocolOfThePostscreenLineIsPostscreensAndMainCfsIsForOtherServices() throws Exception {
        a = node(root, "smtpd_upstream_proxy_protocol=haproxy").start();
        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), "127.0.0.1")) {
            smtp.send("PROXY TCP4 192.0.2.10 127.0.0.1 6666 25\r\n");
            assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
        }
        a.awaitLog("PASS NEW [192.0.2.10]:6666");
        a.close();

        // In main.cf it is meant for smtpd services behind a proxy; postscreen's clients connect directly.
        b = node(root.resolve("b")).set("smtpd_upstream_proxy_protocol", "haproxy").start();
        try (SmtpDialogue smtp = new SmtpDialogue(b.port(), CLIENT)) {
            assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
            assertThat(smtp.command("EHLO client.example")).startsWith("250-mail.example.test");
        }
        b.awaitLog("connect from unknown[127.0.0.2]");
    }

    @Test
    void aPostscreenWithoutItsPassServiceIsRefusedAtStart() throws Exception {
        a = node(root).set("smtpd_service_name", "screened");

        org.assertj.core.api.Assertions.assertThatThrownBy(a::start)
                .isInstanceOf(org.bulwark.config.ConfigException.class)
                .hasMessageContaining("master.cf, line 1: ")
                .hasMessageContaining("screened      pass  -       -       n       -       -       smtpd");
    }

    @Test
    void twoNodesOnOneRedisShareWhoPassed() throws Exception {
        try (RedisServer redis = RedisServer.start(root)) {
            a = node(root.resolve("a")).set("postscreen_cache_map", redis.uri()).start();
            b = node(root.resolve("b")).set("postscreen_cache_map", redis.uri()).start();

            try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
                assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
            }
            a.awaitLog("PASS NEW [127.0.0.2]:");
            try (SmtpDialogue smtp = new SmtpDialogue(b.port(), CLIENT)) {
                // Node b never saw this client: the pass is in Redis.
                assertThat(smtp.reply()).isEqualTo(SMTPD_BANNER);
            }
            b.awaitLog("PASS OLD [127.0.0.2]:");
        }
    }
    @Test
    void withoutItsRedisCacheEveryClientIsNewAndTheOutageIsLoggedOnceAndItsEnd() throws Exception {
        try (RedisServer redis = RedisServer.start(root)) {
            a = node(root.resolve("a")).set("postscreen_cache_map", redis.uri()).start();
            try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
                assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
            }
            a.awaitLog("PASS NEW [127.0.0.2]:");

            redis.stop();
            for (int i = 0; i < 4; i++) {
                // The pass is out of reach: the client takes the tests again, and passes them.
                try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
                    assertThat(smtp.reply()).isEqualTo(TEASER + "\n" + SMTPD_BANNER);
                }
            }
            String at = "postscreen_cache_map redis 127.0.0.1:" + redis.port() + "/0";
            a.awaitLog(at + " unreachable: ");
            String log = a.awaitLog("disconnect from");
            assertThat(log.lines().filter(l -> l.contains(at + " unreachable: "))).as(log).hasSize(1);
            assertThat(log).doesNotContain("postscreen cache lookup failed").doesNotContain("postscreen cache update failed");

            redis.startAgain();
            java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
            while (!a.maillog().contains(at + " answers again") && java.time.Instant.now().isBefore(deadline)) {
                try (SmtpDialogue smtp = new SmtpDialogue(a.port(), CLIENT)) {
                    smtp.reply();
                }
                Thread.sleep(200);
            }
            assertThat(a.maillog()).contains(at + " answers again");
        }
    }
}
