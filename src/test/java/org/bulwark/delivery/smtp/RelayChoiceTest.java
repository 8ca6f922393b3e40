package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.delivery.TestMessage;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sender_dependent_relayhost_maps and smtp_fallback_relay: which relay a delivery goes to. */
class RelayChoiceTest {

    private static final String BODY = "Subject: hello\n\nhi\n";

    @TempDir
    Path dir;

    private DeliveryTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
    }

    @AfterEach
    void close() throws Exception {
        bed.close();
    }

    private Path relayMap(String lines) throws Exception {
        return Files.writeString(dir.resolve("sender_relay"), lines);
    }

    private Outcome deliver(SmtpDelivery agent, String sender, String nexthop) {
        return agent.deliver(TestMessage.of(sender, BODY, "bob@remote.test").request(nexthop)).outcomes().get(0);
    }

    @Test
    void theSendersRelayhostReplacesTheRecipientDomain() throws Exception {
        FakeSmtpServer mx = bed.remote(FakeSmtpServer.options());
        FakeSmtpServer relay = bed.remote(FakeSmtpServer.options());
        bed.dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        Path map = relayMap("alice@example.test [127.0.0.1]:" + relay.port() + "\n@other.test DUNNO\n");
        SmtpDelivery agent = bed.agent(mx.port(), "sender_dependent_relayhost_maps", "texthash:" + map);

        Outcome outcome = deliver(agent, "alice@example.test", "remote.test");
        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(outcome.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + relay.port());
        assertThat(relay.awaitMessages(1)).hasSize(1);

        // No entry, or DUNNO: the recipient domain's MX, as without the map.
        assertThat(deliver(agent, "carol@example.test", "remote.test").relay()).startsWith("mx.remote.test[");
        assertThat(deliver(agent, "dave@other.test", "remote.test").relay()).startsWith("mx.remote.test[");
        assertThat(mx.awaitMessages(2)).hasSize(2);
    }

    @Test
    void theSendersDomainAndTheNullSenderKeyAreLookedUpOverTheRelayhost() throws Exception {
        FakeSmtpServer relayhost = bed.remote(FakeSmtpServer.options());
        FakeSmtpServer team = bed.remote(FakeSmtpServer.options());
        FakeSmtpServer bounces = bed.remote(FakeSmtpServer.options());
        Path map = relayMap("@example.test [127.0.0.1]:" + team.port() + "\n<> [127.0.0.1]:" + bounces.port() + "\n");
        String relayhostValue = "[127.0.0.1]:" + relayhost.port();
        SmtpDelivery agent = bed.agent(relayhost.port(), "relayhost", relayhostValue,
                "sender_dependent_relayhost_maps", "texthash:" + map);

        assertThat(deliver(agent, "alice@example.test", relayhostValue).relay()).endsWith(":" + team.port());
        assertThat(deliver(agent, "", relayhostValue).relay()).endsWith(":" + bounces.port());
        assertThat(deliver(agent, "eve@elsewhere.test", relayhostValue).relay()).endsWith(":" + relayhost.port());
    }

    @Test
    void aNexthopNamedByTheTransportIsLeftAlone() throws Exception {
        FakeSmtpServer chosen = bed.remote(FakeSmtpServer.options());
        FakeSmtpServer senders = bed.remote(FakeSmtpServer.options());
        Path map = relayMap("alice@example.test [127.0.0.1]:" + senders.port() + "\n");
        SmtpDelivery agent = bed.agent(chosen.port(), "sender_dependent_relayhost_maps", "texthash:" + map);

        assertThat(deliver(agent, "alice@example.test", "[127.0.0.1]:" + chosen.port()).relay())
                .endsWith(":" + chosen.port());
    }

    @Test
    void theFallbackRelayTakesMailTheMxCouldNotTake() throws Exception {
        FakeSmtpServer fallback = bed.remote(FakeSmtpServer.options());
        bed.dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        int closed = FreePorts.next();
        SmtpDelivery agent = bed.agent(closed, "smtp_fallback_relay", "[127.0.0.1]:" + fallback.port());

        Outcome outcome = deliver(agent, "alice@example.test", "remote.test");
        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(outcome.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + fallback.port());
    }

    @Test
    void theFallbackRelayTakesMailForADomainThatDoesNotResolve() throws Exception {
        FakeSmtpServer fallback = bed.remote(FakeSmtpServer.options());
        SmtpDelivery agent = bed.agent(fallback.port(), "fallback_relay", "[127.0.0.1]:" + fallback.port());

        Outcome outcome = deliver(agent, "alice@example.test", "nowhere.test");
        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
    }

    @Test
    void aServerThatRefusesTheMailIsNotRetriedOnTheFallbackRelay() throws Exception {
        FakeSmtpServer mx = bed.remote(FakeSmtpServer.options().rcptReply(to -> "550 5.1.1 <" + to + ">: User unknown"));
        FakeSmtpServer fallback = bed.remote(FakeSmtpServer.options());
        bed.dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        SmtpDelivery agent = bed.agent(mx.port(), "smtp_fallback_relay", "[127.0.0.1]:" + fallback.port());

        Outcome outcome = deliver(agent, "alice@example.test", "remote.test");
        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(fallback.connections()).isZero();
    }

    @Test
    void aFallbackRelayThatFailsHardDefersWithPostfixsWarning() throws Exception {
        SmtpDelivery agent = bed.agent(FreePorts.next(), "smtp_fallback_relay", "[relay.nowhere.test]");

        Outcome outcome = deliver(agent, "alice@example.test", "nowhere.test");
        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.3.5");
        assertThat(outcome.text()).contains("name=relay.nowhere.test");
        assertThat(bed.logText()).contains("warning: smtp_fallback_relay configuration problem");
    }

    @Test
    void aNexthopMayNameItsPortAsAService() {
        assertThat(Nexthop.parse("[mail.isp.example]:submission")).isEqualTo(new Nexthop("mail.isp.example", 587, false));
        assertThat(Nexthop.parse("[mail.isp.example]:smtps").port()).isEqualTo(465);
        assertThat(Nexthop.parse("relay.example:2525").port()).isEqualTo(2525);
    }
}
