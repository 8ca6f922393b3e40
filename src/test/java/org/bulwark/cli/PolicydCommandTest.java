package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulwark.config.Config;
import org.bulwark.policy.PolicyClient;
import org.bulwark.policy.PolicyEndpoint;
import org.bulwark.policy.PolicyOptions;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark policyd --greylist}: our greylist as a policy server, asked as Postfix asks it. */
class PolicydCommandTest {

    @TempDir
    Path dir;

    private static final Map<String, String> REQUEST = Map.of("request", "smtpd_access_policy",
            "protocol_state", "RCPT", "client_address", "192.0.2.10", "client_name", "unknown",
            "sender", "a@sender.example", "recipient", "u@example.org", "etrn_domain", "");

    @Test
    void servesGreylistingThatGreylistsFirstAndPassesAfterTheDelay() throws Exception {
        Files.writeString(dir.resolve("main.cf"), "myhostname = policy.example.org\ngreylist_delay = 300s\n");
        int port = freePort();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread daemon = Thread.ofVirtual().start(() -> exit.set(Bulwark.commandLine().execute("-c", dir.toString(),
                "policyd", "--listen", "127.0.0.1:" + port, "--greylist", "--delay", "2s",
                "--database", dir.resolve("greylist.db").toString())));
        try {
            awaitListening(port);
            try (PolicyClient client = new PolicyClient(PolicyEndpoint.parse("inet:127.0.0.1:" + port, dir),
                    PolicyOptions.from(Config.of(Map.of())))) {
                assertThat(client.query(REQUEST))
                        .isEqualTo("DEFER_IF_PERMIT 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/example.org.html");
                Thread.sleep(3000);
                assertThat(client.query(REQUEST)).startsWith("PREPEND X-Greylist: delayed ")
                        .contains(" seconds by postgrey-bulwark at policy.example.org; ");
            }
        } finally {
            daemon.interrupt();
            daemon.join();
        }
        assertThat(exit.get()).isZero();
        assertThat(Files.readString(dir.resolve("greylist.db"), StandardCharsets.UTF_8))
                .contains("triplet:192.0.2.0/a@sender.example/u@example.org");
    }

    @Test
    void servesSpfAsPostfixPolicydSpfAnswers() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.addTxt("spf-fail.example", "v=spf1 -all");
            dns.addTxt("spf-pass.example", "v=spf1 ip4:192.0.2.0/24 -all");
            Files.writeString(dir.resolve("main.cf"), "myhostname = policy.example.org\ndns_servers = "
                    + dns.address() + "\n");
            int port = freePort();
            Thread daemon = Thread.ofVirtual().start(() -> Bulwark.commandLine().execute("-c", dir.toString(),
                    "policyd", "--listen", "127.0.0.1:" + port, "--spf"));
            try {
                awaitListening(port);
                try (PolicyClient client = new PolicyClient(PolicyEndpoint.parse("inet:127.0.0.1:" + port, dir),
                        PolicyOptions.from(Config.of(Map.of())))) {
                    Map<String, String> fail = new java.util.HashMap<>(REQUEST);
                    fail.put("client_address", "192.0.2.25");
                    fail.put("sender", "someone@spf-fail.example");
                    fail.put("helo_name", "mail.sender.example");
                    Map<String, String> pass = new java.util.HashMap<>(fail);
                    pass.put("sender", "someone@spf-pass.example");

                    assertThat(client.query(fail)).startsWith(
                            "550 5.7.23 Message rejected due to: SPF fail - not authorized. ");
                    assertThat(client.query(pass)).startsWith("PREPEND Received-SPF: pass (");
                }
            } finally {
                daemon.interrupt();
                daemon.join();
            }
        }
    }

    @Test
    void asksForAPolicyToServe() {
        assertThat(Bulwark.commandLine().execute("-c", dir.toString(), "policyd")).isEqualTo(1);
    }

    private static int freePort() {
        return FreePorts.next();
    }

    private static void awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("policyd did not listen on 127.0.0.1:" + port);
    }
}
