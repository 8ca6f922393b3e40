package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ServiceEntry;
import org.bulwark.dns.DnsResolver;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The open-relay probe of {@code bulwark doctor} against an SMTP server on 127.0.0.1: it speaks
 * from the first source address outside mynetworks, judges an accepted RCPT as an open relay,
 * never sends DATA, and says "not checked" when every source is inside mynetworks.
 */
class DoctorRelayCheckTest {

    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress SECOND_LOOPBACK = address("127.0.0.2");
    private static final String RECIPIENT = "relay-test@relay-test.example.com";

    private TestDnsServer dns;
    private final Map<String, String> main = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        dns = TestDnsServer.start();
        main.put("myhostname", "mail.example.test");
        main.put("dns_servers", dns.address());
    }

    @AfterEach
    void tearDown() {
        dns.close();
    }

    private static InetAddress address(String literal) {
        return DoctorHostChecks.literal(literal).getFirst();
    }

    private static ServiceEntry smtpd(String service) {
        return new ServiceEntry(service, "inet", "n", "-", "n", "-", "-", "smtpd", List.of(), Map.of(),
                Path.of("master.cf"), 1);
    }

    private Doctor.Check relay(int port, List<InetAddress> sources) {
        Config config = Config.of(main);
        DoctorRun run = new DoctorRun(config, DnsResolver.create(config), Clock.systemUTC());
        DoctorRelayCheck.relay(run, DoctorRelayCheck.listener(config, List.of(smtpd("127.0.0.1:" + port))).orElseThrow(),
                sources);
        return run.checks().getFirst();
    }

    @Test
    void anAcceptedRcptFromOutsideMynetworksIsAnOpenRelayAndNothingIsSent() throws Exception {
        main.put("mynetworks", "127.0.0.1/32");
        try (FakeSmtpServer server = FakeSmtpServer.start(FakeSmtpServer.options())) {
            Doctor.Check check = relay(server.port(), List.of(LOOPBACK, SECOND_LOOPBACK));

            assertThat(check.name()).isEqualTo("not an open relay: 127.0.0.2 may not send through port "
                    + server.port() + " to others");
            assertThat(check.failed()).isTrue();
            assertThat(check.detail()).startsWith("RCPT TO:<" + RECIPIENT + "> answered 250");
            assertThat(server.commands()).contains("RCPT TO:<" + RECIPIENT + ">", "RSET", "QUIT")
                    .noneMatch(command -> command.equalsIgnoreCase("DATA"));
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void aRefusedRcptFromOutsideMynetworksPasses() throws Exception {
        main.put("mynetworks", "127.0.0.1/32");
        try (FakeSmtpServer server = FakeSmtpServer.start(FakeSmtpServer.options()
                .rcptReply(rcpt -> "554 5.7.1 <" + rcpt + ">: Relay access denied"))) {
            Doctor.Check check = relay(server.port(), List.of(LOOPBACK, SECOND_LOOPBACK));

            assertThat(check.ok()).as(check.detail()).isTrue();
            assertThat(check.detail()).isEqualTo("RCPT TO:<" + RECIPIENT + "> answered 554 5.7.1 <" + RECIPIENT
                    + ">: Relay access denied");
        }
    }

    @Test
    void aProbeFromInsideMynetworksIsNotMadeAndDoesNotFail() throws Exception {
        main.put("mynetworks", "127.0.0.0/8");
        try (FakeSmtpServer server = FakeSmtpServer.start(FakeSmtpServer.options())) {
            Doctor.Check check = relay(server.port(), List.of(LOOPBACK, SECOND_LOOPBACK));

            assertThat(check.checked()).isFalse();
            assertThat(check.failed()).isFalse();
            assertThat(check.name()).isEqualTo("not an open relay: a client outside mynetworks may not send through port "
                    + server.port() + " to others");
            assertThat(check.detail()).isEqualTo("not checked: every address this host can connect from is in "
                    + "mynetworks (127.0.0.1, 127.0.0.2); check from outside with swaks --server mail.example.test:"
                    + server.port() + " --to " + RECIPIENT + " --quit-after RCPT, which must be refused");
            assertThat(server.connections()).isZero();
            assertThat(DoctorCommand.text(List.of(check))).startsWith("– not an open relay")
                    .endsWith("all 0 checks passed; 1 not checked from here (see the – line)\n");
            assertThat(DoctorCommand.json(List.of(check))).contains("\"ok\": null");
        }
    }

    @Test
    void theProbeGoesToTheServicesAddressOrWithAllInterfacesToTheSourceItself() {
        var named = new DoctorRelayCheck.Listener(new org.bulwark.config.InetService("127.0.0.1", 2525),
                Config.of(Map.of()));
        var everywhere = new DoctorRelayCheck.Listener(new org.bulwark.config.InetService("", 25),
                Config.of(Map.of("inet_interfaces", "all")));
        var loopbackOnly = new DoctorRelayCheck.Listener(new org.bulwark.config.InetService("", 25),
                Config.of(Map.of("inet_interfaces", "loopback-only")));

        assertThat(DoctorRelayCheck.target(named, SECOND_LOOPBACK)).isEqualTo(new InetSocketAddress(LOOPBACK, 2525));
        assertThat(DoctorRelayCheck.target(named, address("::1"))).as("another family cannot reach it").isNull();
        assertThat(DoctorRelayCheck.target(everywhere, SECOND_LOOPBACK))
                .isEqualTo(new InetSocketAddress(SECOND_LOOPBACK, 25));
        assertThat(DoctorRelayCheck.target(loopbackOnly, SECOND_LOOPBACK)).isEqualTo(new InetSocketAddress(LOOPBACK, 25));
    }

    @Test
    void theHostsOwnSourcesPutOutwardAddressesFirstAndIncludeASecondLoopbackAddress() {
        List<InetAddress> sources = DoctorRelayCheck.hostSources();

        assertThat(sources).contains(SECOND_LOOPBACK).noneMatch(InetAddress::isLinkLocalAddress);
        int firstLoopback = sources.indexOf(sources.stream().filter(InetAddress::isLoopbackAddress).findFirst().orElseThrow());
        assertThat(sources.subList(firstLoopback, sources.size())).allMatch(InetAddress::isLoopbackAddress);
    }
}
