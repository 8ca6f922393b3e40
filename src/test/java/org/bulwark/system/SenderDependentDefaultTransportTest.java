package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sender_dependent_default_transport_maps end to end: mail to a domain of the default class leaves
 * through the transport its sender's entry names (the address, then @domain, the null sender as
 * {@code <>}), DUNNO and a sender without an entry through default_transport; transport_maps and
 * relay_domains are not touched by it. Probes follow address_verify_sender_dependent_default_transport_maps.
 * The remote servers are scripted SMTP servers on loopback.
 */
class SenderDependentDefaultTransportTest {

    private static final String HELO = "client.example.test";

    @TempDir
    Path root;
    private MailSystemFixture node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theSendersTransportReplacesDefaultTransportOnlyForTheDefaultClass() throws Exception {
        try (FakeSmtpServer chosen = FakeSmtpServer.start(FakeSmtpServer.options());
                FakeSmtpServer usual = FakeSmtpServer.start(FakeSmtpServer.options());
                FakeSmtpServer relayed = FakeSmtpServer.start(FakeSmtpServer.options())) {
            node = new MailSystemFixture(root.resolve("node"));
            Files.writeString(node.conf.resolve("sender_transport"), """
                    alice@example.test   smtp-out:[127.0.0.1]:%1$d
                    @partner.test        smtp:[127.0.0.1]:%1$d
                    bob@partner.test     DUNNO
                    <>                   smtp-out:[127.0.0.1]:%1$d
                    """.formatted(chosen.port()));
            Files.writeString(node.conf.resolve("transport"), "mapped.test smtp:[127.0.0.1]:" + usual.port() + "\n");
            node.set("default_transport", "smtp:[127.0.0.1]:" + usual.port())
                    .set("sender_dependent_default_transport_maps", "texthash:" + node.conf.resolve("sender_transport"))
                    .set("transport_maps", "texthash:" + node.conf.resolve("transport"))
                    .set("relay_domains", "relayed.test")
                    .set("relay_transport", "relay:[127.0.0.1]:" + relayed.port())
                    .service("smtp-out  unix  -       -       n       -       -       smtp")
                    .start();

            send("alice@example.test", "one@far.test");
            send("carol@partner.test", "two@far.test");
            send("", "three@far.test");
            send("bob@partner.test", "four@far.test");
            send("dave@example.test", "five@far.test");
            send("alice@example.test", "six@mapped.test");
            send("alice@example.test", "seven@relayed.test");

            assertThat(recipients(chosen.awaitMessages(3))).containsExactlyInAnyOrder(
                    "one@far.test", "two@far.test", "three@far.test");
            assertThat(recipients(usual.awaitMessages(3))).containsExactlyInAnyOrder(
                    "four@far.test", "five@far.test", "six@mapped.test");
            assertThat(recipients(relayed.awaitMessages(1))).containsExactly("seven@relayed.test");
            assertThat(line(node.awaitLog("to=<one@far.test>, relay=127.0.0.1[127.0.0.1]:" + chosen.port()),
                    "to=<one@far.test>")).contains("postfix/smtp-out[", "status=sent");
            assertThat(chosen.messages()).filteredOn(m -> m.recipients().contains("three@far.test"))
                    .singleElement().extracting(FakeSmtpServer.Message::mailFrom).asString().startsWith("<>");
        }
    }

    @Test
    void probesFollowTheAddressVerifyVariant() throws Exception {
        try (FakeSmtpServer mail = FakeSmtpServer.start(FakeSmtpServer.options());
                FakeSmtpServer probes = FakeSmtpServer.start(FakeSmtpServer.options())) {
            node = new MailSystemFixture(root.resolve("node"));
            Files.writeString(node.conf.resolve("probe_transport"),
                    "double-bounce@mail.example.test smtp:[127.0.0.1]:" + probes.port() + "\n");
            node.set("default_transport", "smtp:[127.0.0.1]:" + mail.port())
                    .set("address_verify_sender_dependent_default_transport_maps",
                            "texthash:" + node.conf.resolve("probe_transport"))
                    .set("smtpd_sender_restrictions", "reject_unverified_sender")
                    .set("address_verify_poll_delay", "1s")
                    .addressVerification(null)
                    .start();

            String reply = SmtpDialogue.rcpt(node.port(), "127.0.0.1", HELO, "someone@far.test", "alice@example.test");
            if (reply.endsWith("Address verification in progress")) {
                node.awaitLog("status=deliverable");
                reply = SmtpDialogue.rcpt(node.port(), "127.0.0.1", HELO, "someone@far.test", "alice@example.test");
            }
            assertThat(reply).isEqualTo("250 2.1.5 Ok");
            assertThat(line(node.awaitLog("status=deliverable"), "status=deliverable"))
                    .contains("to=<someone@far.test>, relay=127.0.0.1[127.0.0.1]:" + probes.port());
            assertThat(probes.commands()).anyMatch(c -> c.startsWith("MAIL FROM:<double-bounce@mail.example.test>"))
                    .contains("RCPT TO:<someone@far.test>");
            assertThat(mail.connections()).isZero();
        }
    }

    private void send(String sender, String recipient) throws Exception {
        assertThat(SmtpDialogue.send(node.port(), "127.0.0.1", HELO, sender, recipient,
                "Subject: routed by sender\n\nhello\n")).startsWith("250 2.0.0 Ok: queued as ");
    }

    private static List<String> recipients(List<FakeSmtpServer.Message> messages) {
        return messages.stream().flatMap(m -> m.recipients().stream()).toList();
    }

    /** The log's one line that contains the text. */
    private static String line(String log, String text) {
        return log.lines().filter(l -> l.contains(text)).reduce((a, b) -> b).orElseThrow();
    }
}
