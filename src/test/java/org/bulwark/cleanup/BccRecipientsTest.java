package org.bulwark.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.log.MailLog;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.queue.RecipientState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** always_bcc, sender_bcc_maps and recipient_bcc_maps: the copies cleanup adds to a queue file's envelope. */
class BccRecipientsTest {

    private static final ClientInfo CLIENT = new ClientInfo("mx.example.net", "192.0.2.25", "helo.example.net",
            "ESMTP", null);

    @TempDir
    Path dir;

    MailQueue queue;
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.com", "postfix");
    Map<String, String> params = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        queue = MailQueue.open(dir.resolve("queue"));
        params.put("myhostname", "mail.example.com");
        params.put("myorigin", "example.com");
        params.put("mydestination", "example.com, localhost");
        params.put("recipient_delimiter", "+");
        params.put("config_directory", dir.toString());
    }

    Cleanup cleanup() {
        return new Cleanup(Config.of(params), queue, log, a -> false);
    }

    void table(String parameter, String text) throws IOException {
        Path file = dir.resolve(parameter);
        Files.writeString(file, text);
        params.put(parameter, "texthash:" + file);
    }

    static Envelope envelope(ClientInfo client, String sender, String... recipients) {
        return new Envelope(MailAddress.of(sender),
                Arrays.stream(recipients).map(r -> Recipient.of(MailAddress.of(r))).toList(),
                Instant.now(), client, null, null, null, false);
    }

    QueuedMessage send(Cleanup cleanup, Envelope envelope) throws IOException {
        QueueId id;
        try (CleanupSession message = cleanup.open(envelope)) {
            message.content().write("Subject: hi\r\nTo: c@example.net\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));
            id = message.commit();
        }
        return queue.read(QueueName.ACTIVE, id);
    }

    QueuedMessage send(String sender, String... recipients) throws IOException {
        return send(cleanup(), envelope(CLIENT, sender, recipients));
    }

    static List<String> recipients(QueuedMessage message) {
        return message.recipients().stream().map(s -> s.recipient().address().internal()).toList();
    }

    static Recipient recipient(QueuedMessage message, String address) {
        return message.recipients().stream().map(RecipientState::recipient)
                .filter(r -> r.address().internal().equals(address)).findFirst().orElseThrow();
    }

    String content(QueuedMessage message) throws IOException {
        try (InputStream in = message.openContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void alwaysBccAddsOneEnvelopeRecipientThatAsksForNoNotice() throws IOException {
        params.put("always_bcc", "archive@example.org");

        QueuedMessage message = send("a@example.net", "c@example.net", "d@example.net");

        assertThat(recipients(message)).containsExactly("c@example.net", "d@example.net", "archive@example.org");
        assertThat(recipient(message, "archive@example.org").dsnNotify()).isEqualTo("NEVER");
        assertThat(recipient(message, "c@example.net").dsnNotify()).isNull();
        assertThat(content(message)).doesNotContain("archive").contains("To: c@example.net\n");
    }

    @Test
    void theReceivedHeaderNamesTheOneRecipientAsSentNotTheCopy() throws IOException {
        params.put("always_bcc", "archive@example.org");

        QueuedMessage message = send("a@example.net", "c@example.net");

        assertThat(content(message)).contains("\tfor <c@example.net>; ");
    }

    @Test
    void anAlwaysBccWithoutDomainGetsMyorigin() throws IOException {
        params.put("always_bcc", "archive");

        assertThat(recipients(send("a@example.net", "c@example.net"))).containsExactly("c@example.net",
                "archive@example.com");
    }

    @Test
    void anAlwaysBccThatIsNotOneAddressStopsTheConfiguration() {
        params.put("always_bcc", "archive@example.org, boss@example.org");

        assertThatThrownBy(this::cleanup).isInstanceOf(ConfigException.class)
                .hasMessage("always_bcc = archive@example.org, boss@example.org is not one address: specify one"
                        + " address, such as archive@example.com");
    }

    @Test
    void senderBccMapsCopiesBySenderAddressThenDomain() throws IOException {
        table("sender_bcc_maps", """
                boss@example.net     boss-copy@example.org
                @example.net         <net-copy@example.org>
                """);

        assertThat(recipients(send("boss@example.net", "c@example.com"))).containsExactly("c@example.com",
                "boss-copy@example.org");
        assertThat(recipients(send("other@EXAMPLE.net", "c@example.com"))).containsExactly("c@example.com",
                "net-copy@example.org");
        assertThat(recipients(send("a@example.org", "c@example.com"))).containsExactly("c@example.com");
        assertThat(recipients(send("", "c@example.com"))).as("the null sender has no copy")
                .containsExactly("c@example.com");
    }

    @Test
    void theSearchOrderIsPostfixsExtensionThenBareThenLocalPartThenDomain() throws IOException {
        table("sender_bcc_maps", """
                user+tag@example.com   with-extension@example.org
                user@example.com       without-extension@example.org
                local                  local-part@example.org
                @example.com           domain@example.org
                far                    not-local@example.org
                """);

        assertThat(recipients(send("user+tag@example.com", "c@example.net"))).endsWith("with-extension@example.org");
        assertThat(recipients(send("user+other@example.com", "c@example.net"))).endsWith("without-extension@example.org");
        assertThat(recipients(send("local+x@example.com", "c@example.net"))).as("a local domain: the local part")
                .endsWith("local-part@example.org");
        assertThat(recipients(send("far@example.net", "c@example.net"))).as("a local part is only looked up locally")
                .containsExactly("c@example.net");
        assertThat(recipients(send("nobody@example.com", "c@example.net"))).endsWith("domain@example.org");
    }

    @Test
    void recipientBccMapsCopiesEachRecipientOnceInPostfixsOrder() throws IOException {
        table("sender_bcc_maps", "a@example.net sent@example.org\n");
        table("recipient_bcc_maps", """
                c@example.com     c-copy@example.org
                @example.com      team@example.org
                """);
        params.put("always_bcc", "archive@example.org");

        QueuedMessage message = send("a@example.net", "c@example.com", "d@example.com", "e@example.com",
                "f@example.net");

        assertThat(recipients(message)).containsExactly("c@example.com", "d@example.com", "e@example.com",
                "f@example.net", "sent@example.org", "c-copy@example.org", "team@example.org", "archive@example.org");
        assertThat(message.recipients()).filteredOn(s -> s.recipient().address().domain().equals("example.org"))
                .allSatisfy(s -> assertThat(s.recipient().dsnNotify()).isEqualTo("NEVER"));
    }

    @Test
    void aCopyToAnAddressThatAlreadyGetsTheMessageIsNotAdded() throws IOException {
        table("recipient_bcc_maps", "c@example.com d@EXAMPLE.com\n");
        params.put("always_bcc", "c@example.com");

        QueuedMessage message = send("a@example.net", "c@example.com", "d@example.com");

        assertThat(recipients(message)).containsExactly("c@example.com", "d@example.com");
        assertThat(recipient(message, "c@example.com").dsnNotify()).as("the recipient keeps its own notices").isNull();
    }

    @Test
    void aTableValueThatIsNotOneAddressMakesNoCopyAndIsLogged() throws IOException {
        table("recipient_bcc_maps", "c@example.com a@example.org, b@example.org\n");

        assertThat(recipients(send("a@example.net", "c@example.com"))).containsExactly("c@example.com");
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("postfix/cleanup[").contains(
                ": warning: recipient_bcc_maps: no BCC recipient for c@example.com: \"a@example.org, b@example.org\""
                        + " is not one address (multiple results are not supported)\n");
    }

    @Test
    void mailTheSystemMakesOrForwardsGetsNoCopies() throws IOException {
        table("sender_bcc_maps", "@example.net sent@example.org\n");
        params.put("always_bcc", "archive@example.org");

        QueuedMessage notice = send(cleanup().internal(), envelope(ClientInfo.local("MAILER-DAEMON"), "",
                "a@example.net"));
        QueuedMessage forwarded = send(cleanup().internal(), envelope(ClientInfo.local("root"), "a@example.net",
                "c@example.net"));

        assertThat(recipients(notice)).containsExactly("a@example.net");
        assertThat(recipients(forwarded)).containsExactly("c@example.net");
    }

    @Test
    void localSubmissionsGetCopiesToo() throws IOException {
        params.put("always_bcc", "archive@example.org");

        QueuedMessage message = send(cleanup(), envelope(ClientInfo.local("alice"), "alice@example.com",
                "c@example.net"));

        assertThat(recipients(message)).containsExactly("c@example.net", "archive@example.org");
    }

    @Test
    void noAddressMappingsTurnsTheCopiesOffForThatServiceOnly() throws IOException {
        params.put("always_bcc", "archive@example.org");
        Config main = Config.of(params);
        Cleanup cleanup = cleanup();

        Cleanup beforeFilter = cleanup.forService(main.with(Map.of("receive_override_options", "no_address_mappings")));
        Cleanup plain = cleanup.forService(main.with(Map.of("receive_override_options", "no_header_body_checks")));

        assertThat(recipients(send(beforeFilter, envelope(CLIENT, "a@example.net", "c@example.net"))))
                .containsExactly("c@example.net");
        assertThat(recipients(send(plain, envelope(CLIENT, "a@example.net", "c@example.net"))))
                .containsExactly("c@example.net", "archive@example.org");
    }

    @Test
    void aServiceWithoutNoAddressMappingsMakesCopiesWhenMainCfTurnsThemOff() throws IOException {
        // FILTER_README: main.cf turns mappings off before the filter, the reinjection service turns them on.
        params.put("always_bcc", "archive@example.org");
        params.put("receive_override_options", "no_address_mappings");
        Config main = Config.of(params);
        Cleanup cleanup = cleanup();

        Cleanup reinjection = cleanup.forService(main.with(Map.of("receive_override_options",
                "no_unknown_recipient_checks, no_header_body_checks")));

        assertThat(recipients(send(cleanup, envelope(CLIENT, "a@example.net", "c@example.net"))))
                .containsExactly("c@example.net");
        assertThat(recipients(send(reinjection, envelope(CLIENT, "a@example.net", "c@example.net"))))
                .containsExactly("c@example.net", "archive@example.org");
    }

    @Test
    void aCleanupServiceOverrideSetsItsOwnCopies() throws IOException {
        Config main = Config.of(params);
        Cleanup cleanup = cleanup();

        Cleanup archived = cleanup.forService(main, Map.of("always_bcc", "archive@example.org"));

        assertThat(recipients(send(cleanup, envelope(CLIENT, "a@example.net", "c@example.net"))))
                .containsExactly("c@example.net");
        assertThat(recipients(send(archived, envelope(CLIENT, "a@example.net", "c@example.net"))))
                .containsExactly("c@example.net", "archive@example.org");
    }

    @Test
    void headerChecksRedirectReplacesTheCopiesAsItReplacesEveryRecipient() throws IOException {
        params.put("always_bcc", "archive@example.org");
        Path checks = dir.resolve("header_checks");
        Files.writeString(checks, "/^Subject: hi/ REDIRECT boss@example.org\n");
        params.put("header_checks", "regexp:" + checks);

        assertThat(recipients(send("a@example.net", "c@example.net"))).containsExactly("boss@example.org");
    }
}
