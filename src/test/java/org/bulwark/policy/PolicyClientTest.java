package org.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy protocol client against our own policy server and against misbehaving peers. */
class PolicyClientTest {

    @TempDir
    Path dir;

    private final MailLog.Logger log = MailLog.to(new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), "mx.example.org", "postfix").program("policyd");

    private static PolicyOptions options(String... brace) {
        String argument = "{ inet:127.0.0.1:1" + (brace.length == 0 ? "" : ", " + String.join(", ", brace)) + " }";
        return PolicySpec.parse(argument, PolicyOptions.from(Config.of(Map.of()))).options();
    }

    private static Map<String, String> request(String recipient) {
        return Map.of("request", "smtpd_access_policy", "protocol_state", "RCPT", "recipient", recipient);
    }

    @Test
    void asksOurOwnPolicyServerAndGetsItsAction() throws Exception {
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        try (PolicyServer server = new PolicyServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                r -> {
                    seen.add(r);
                    return "REJECT no mail for " + r.get("recipient");
                }, log)) {
            server.start();
            try (PolicyClient client = new PolicyClient(PolicyEndpoint.parse("inet:127.0.0.1:" + server.port(), dir),
                    options())) {
                assertThat(client.query(request("a@example.org"))).isEqualTo("REJECT no mail for a@example.org");
                assertThat(client.query(request("b@example.org"))).isEqualTo("REJECT no mail for b@example.org");
            }
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).containsEntry("protocol_state", "RCPT").containsEntry("recipient", "a@example.org");
    }

    @Test
    void reusesTheConnectionUntilMaxIdleOrRequestLimit() throws Exception {
        try (CountingServer server = new CountingServer("action=DUNNO\n\n")) {
            try (PolicyClient client = new PolicyClient(server.endpoint(dir), options("request_limit=2"))) {
                for (int i = 0; i < 5; i++) {
                    assertThat(client.query(request("u@example.org"))).isEqualTo("DUNNO");
                }
            }
            // five requests, two per connection
            assertThat(server.connections.get()).isEqualTo(3);
        }
        try (CountingServer server = new CountingServer("action=DUNNO\n\n")) {
            try (PolicyClient client = new PolicyClient(server.endpoint(dir), options("max_idle=0s"))) {
                client.query(request("u@example.org"));
                client.query(request("u@example.org"));
            }
            assertThat(server.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void givesUpAfterTheTimeoutAndTryLimit() throws Exception {
        try (CountingServer silent = new CountingServer(null)) {
            try (PolicyClient client = new PolicyClient(silent.endpoint(dir),
                    options("timeout=1s", "try_limit=2", "retry_delay=0s"))) {
                assertThatThrownBy(() -> client.query(request("u@example.org")))
                        .isInstanceOf(PolicyException.class)
                        .hasMessage("problem talking to server inet:127.0.0.1:" + silent.port() + ": timeout");
            }
            assertThat(silent.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void triesAgainOnAFreshConnectionWhenTheServerHangsUp() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    try (Socket first = server.accept()) {
                        calls.incrementAndGet(); // read nothing, answer nothing: hang up
                    }
                    try (Socket second = server.accept()) {
                        calls.incrementAndGet();
                        PolicyProtocol.read(second.getInputStream());
                        second.getOutputStream().write("action=OK\n\n".getBytes(StandardCharsets.US_ASCII));
                        second.getInputStream().read();
                    }
                } catch (IOException e) {
                    // the test fails on its own assertion
                }
            });
            try (PolicyClient client = new PolicyClient(PolicyEndpoint.parse("inet:127.0.0.1:" + server.getLocalPort(),
                    dir), options("retry_delay=0s"))) {
                assertThat(client.query(request("u@example.org"))).isEqualTo("OK");
            }
        }
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void refusesAnAnswerWithoutAction() throws Exception {
        try (CountingServer odd = new CountingServer("result=yes\n\n")) {
            try (PolicyClient client = new PolicyClient(odd.endpoint(dir), options("try_limit=1"))) {
                assertThatThrownBy(() -> client.query(request("u@example.org")))
                        .hasMessageEndingWith("answer without an action attribute");
            }
        }
    }

    @Test
    void speaksOverAUnixSocketRelativeToTheQueueDirectory() throws Exception {
        Path socket = Files.createDirectories(dir.resolve("private")).resolve("policy");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel c = server.accept()) {
                    InputStream in = Channels.newInputStream(c);
                    OutputStream out = Channels.newOutputStream(c);
                    Map<String, String> r = PolicyProtocol.read(in);
                    out.write(("action=DEFER_IF_PERMIT seen " + r.get("recipient") + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    in.read();
                } catch (IOException e) {
                    // the test fails on its own assertion
                }
            });
            PolicyEndpoint endpoint = PolicyEndpoint.parse("unix:private/policy", dir);
            assertThat(endpoint).isEqualTo(new PolicyEndpoint.Unix("unix:private/policy", socket));
            try (PolicyClient client = new PolicyClient(endpoint, options())) {
                assertThat(client.query(request("u@example.org"))).isEqualTo("DEFER_IF_PERMIT seen u@example.org");
            }
        }
    }

    @Test
    void readsTheBraceFormWithItsOptions() {
        PolicySpec spec = PolicySpec.parse("{ inet:127.0.0.1:9998, timeout=10s, default_action=DUNNO, try_limit=3 }",
                PolicyOptions.from(Config.of(Map.of())));

        assertThat(spec.endpoint()).isEqualTo("inet:127.0.0.1:9998");
        assertThat(spec.options().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.options().defaultAction()).isEqualTo("DUNNO");
        assertThat(spec.options().tryLimit()).isEqualTo(3);
        assertThat(spec.options().maxIdle()).isEqualTo(Duration.ofSeconds(300));
        assertThatThrownBy(() -> PolicySpec.parse("{ inet:127.0.0.1:9998, speed=fast }",
                PolicyOptions.from(Config.of(Map.of())))).hasMessageContaining("unknown policy service option");
        assertThatThrownBy(() -> PolicyEndpoint.parse("tcp:host", dir)).hasMessageContaining("bad policy service");
    }

    /** Counts connections; answers every request with a fixed text, or never when null. */
    private static final class CountingServer implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket server;

        CountingServer(String answer) throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s, answer));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void serve(Socket s, String answer) {
            try (s) {
                while (PolicyProtocol.read(s.getInputStream()) != null) {
                    if (answer != null) {
                        s.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        int port() {
            return server.getLocalPort();
        }

        PolicyEndpoint endpoint(Path dir) {
            return PolicyEndpoint.parse("inet:127.0.0.1:" + port(), dir);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
