package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bulwark.cli.Bulwark;
import org.bulwark.master.Master;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark doctor}'s open-relay self-test against a running system: from 127.0.0.2 when
 * mynetworks leaves it out, and "not checked" (never a failure) with the shipped and packaged
 * {@code mynetworks = 127.0.0.0/8}, where every loopback source is trusted.
 */
class DoctorRelayTest {

    /** The sources a loopback-only test host has; all of them reach the loopback interface. */
    private static final String[] LOOPBACK_SOURCES = {"--relay-probe-from", "127.0.0.1", "--relay-probe-from", "127.0.0.2"};

    @TempDir
    Path root;

    private static String doctor(Path conf, TestDnsServer dns, String... more) {
        List<String> args = new ArrayList<>(List.of("--dns-server", dns.address()));
        args.addAll(List.of(more));
        return doctor(conf, args.toArray(String[]::new));
    }

    private static String doctor(Path conf, String... options) {
        List<String> args = new ArrayList<>(List.of("-c", conf.toString(), "doctor"));
        args.addAll(List.of(options));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            // Other checks fail against the empty test DNS: exit status 1.
            assertThat(Bulwark.commandLine().execute(args.toArray(String[]::new))).isEqualTo(1);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aClosedRelayPasses() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start(); MailSystemFixture system = new MailSystemFixture(root)) {
            system.start();
            assertThat(doctor(system.conf, dns, LOOPBACK_SOURCES))
                    .startsWith("resolver: " + dns.address() + " (--dns-server)\n")
                    .contains("✓ not an open relay: 127.0.0.2 may not send through port " + system.port()
                            + " to others: RCPT TO:<relay-test@relay-test.example.com> answered 554 5.7.1");
        }
    }

    @Test
    void anOpenRelayIsFound() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start(); MailSystemFixture system = new MailSystemFixture(root)) {
            // The classic mistake: a provider's whole range trusted through an access table.
            system.set("smtpd_relay_restrictions",
                    "permit_mynetworks, check_client_access inline:{127.0.0.2=OK}, reject_unauth_destination")
                    .set("dns_servers", dns.address()).start();
            assertThat(doctor(system.conf, LOOPBACK_SOURCES))
                    .startsWith("resolver: " + dns.address() + " (dns_servers)\n")
                    .contains("✗ not an open relay: 127.0.0.2 may not send "
                    + "through port " + system.port() + " to others: RCPT TO:<relay-test@relay-test.example.com> answered 250");
        }
    }

    @Test
    void theShippedConfigurationIsNotCheckedFromInsideItsMynetworksRatherThanFailed() throws Exception {
        int port = MailSystemFixture.freePort();
        Path conf = shippedConf(port);
        try (TestDnsServer dns = TestDnsServer.start(); Master master = Master.start(conf)) {
            assertThat(doctor(conf, dns, LOOPBACK_SOURCES))
                    .contains("– not an open relay: a client outside mynetworks may not send through port " + port
                            + " to others: not checked: every address this host can connect from is in mynetworks "
                            + "(127.0.0.1, 127.0.0.2); check from outside with swaks")
                    .doesNotContain("✗ not an open relay")
                    .contains("; 1 not checked from here");
        }
    }

    @Test
    void theShippedConfigurationRefusesAClientOutsideMynetworks() throws Exception {
        int port = MailSystemFixture.freePort();
        Path conf = shippedConf(port);
        Path mainCf = conf.resolve("main.cf");
        Files.writeString(mainCf, Files.readString(mainCf).replace("mynetworks = 127.0.0.0/8", "mynetworks = 127.0.0.1/32"));
        try (TestDnsServer dns = TestDnsServer.start(); Master master = Master.start(conf)) {
            assertThat(doctor(conf, dns, LOOPBACK_SOURCES)).contains("✓ not an open relay: 127.0.0.2 may not send "
                    + "through port " + port + " to others: RCPT TO:<relay-test@relay-test.example.com> answered 554 5.7.1");
        }
    }

    @Test
    void thePackagedConfigurationIsNotCheckedFromInsideItsMynetworksRatherThanFailed() throws Exception {
        Path etc = Files.createDirectories(root.resolve("etc"));
        try (Stream<Path> files = Files.list(Path.of("packaging/etc/bulwark"))) {
            for (Path file : files.toList()) {
                Files.writeString(etc.resolve(file.getFileName().toString()), Files.readString(file)
                        .replace("/etc/bulwark/", etc + "/").replace("/var/spool/bulwark", root + "/spool")
                        .replace("/var/lib/bulwark", root + "/lib"));
            }
        }
        try (TestDnsServer dns = TestDnsServer.start()) {
            // The loopback addresses, IPv6 too: [::1]/128 is in the packaged mynetworks.
            assertThat(doctor(etc, dns, "--relay-probe-from", "127.0.0.1", "--relay-probe-from", "127.0.0.2",
                    "--relay-probe-from", "::1"))
                    .contains("– not an open relay: a client outside mynetworks may not send through port 25 to others: "
                            + "not checked: every address this host can connect from is in mynetworks "
                            + "(127.0.0.1, 127.0.0.2, ::1)")
                    .doesNotContain("✗ not an open relay");
            assertThat(doctor(etc, dns, "--json", "--relay-probe-from", "127.0.0.1"))
                    .as("the resolver line goes to standard error: the output stays one JSON array")
                    .startsWith("[\n  {\"check\": ")
                    .contains("{\"check\": \"not an open relay: a client outside mynetworks may not send through port 25 "
                            + "to others\", \"ok\": null, \"required\": true, \"detail\": \"not checked: ")
                    .endsWith("}\n]\n");
        }
    }

    /** conf/ as shipped, copied beside a var/ of its own, listening on {@code port} instead of 2525. */
    private Path shippedConf(int port) throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        try (Stream<Path> files = Files.list(Path.of("conf"))) {
            for (Path file : files.toList()) {
                Files.copy(file, conf.resolve(file.getFileName()));
            }
        }
        Path masterCf = conf.resolve("master.cf");
        Files.writeString(masterCf, Files.readString(masterCf).replace("127.0.0.1:2525", "127.0.0.1:" + port));
        return conf;
    }
}
