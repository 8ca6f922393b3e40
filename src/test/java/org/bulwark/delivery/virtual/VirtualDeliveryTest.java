package org.bulwark.delivery.virtual;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bulwark.config.Config;
import org.bulwark.delivery.MapTable;
import org.bulwark.delivery.Owner;
import org.bulwark.delivery.TestMessage;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualDeliveryTest {

    @TempDir
    Path base;

    private static final String CONTENT = "Subject: virtual\n\nhello\n";

    private VirtualDelivery agent(Map<String, String> mailboxes, Map<String, String> extra) {
        Map<String, String> params = new HashMap<>(Map.of(
                "virtual_mailbox_maps", "hash:/etc/postfix/vmailbox",
                "virtual_mailbox_base", base.toString(),
                "virtual_uid_maps", "static:5000",
                "virtual_gid_maps", "static:5000",
                "virtual_minimum_uid", "100",
                "virtual_mailbox_limit", "51200000",
                "recipient_delimiter", "+",
                "myhostname", "mail.example.com"));
        params.putAll(extra);
        return new VirtualDelivery(Config.of(params),
                MapTable.opener(Map.of("hash:/etc/postfix/vmailbox", mailboxes)));
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void deliversToTheMaildirOfTheMapEntry() throws Exception {
        VirtualDelivery agent = agent(Map.of("info@example.com", "example.com/info/"), Map.of());
        DeliveryReport report = agent.deliver(TestMessage.of("s@example.org", CONTENT, "info@example.com").request("example.com"));

        Outcome outcome = report.outcomes().get(0);
        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.dsn()).isEqualTo("2.0.0");
        assertThat(outcome.relay()).isEqualTo("virtual");
        assertThat(outcome.text()).isEqualTo("delivered to maildir");
        List<Path> delivered = files(base.resolve("example.com/info/new"));
        assertThat(delivered).hasSize(1);
        assertThat(Files.readString(delivered.get(0))).contains("Delivered-To: info@example.com\n").endsWith(CONTENT);
    }

    @Test
    void usesTheCatchAllAndTheUnextendedAddress() throws Exception {
        VirtualDelivery agent = agent(Map.of(
                "bob@example.com", "example.com/bob/",
                "@example.net", "example.net/catchall/"), Map.of());
        DeliveryReport report = agent.deliver(
                TestMessage.of("s@example.org", CONTENT, "bob+lists@example.com", "anyone@example.net").request("x"));

        assertThat(report.outcomes()).extracting(Outcome::status).containsExactly(Status.SENT, Status.SENT);
        assertThat(files(base.resolve("example.com/bob/new"))).hasSize(1);
        assertThat(files(base.resolve("example.net/catchall/new"))).hasSize(1);
    }

    @Test
    void bouncesAnUnknownUserWithPostfixText() {
        VirtualDelivery agent = agent(Map.of("info@example.com", "example.com/info/"), Map.of());
        Outcome outcome = agent.deliver(TestMessage.of("s@example.org", CONTENT, "nobody@example.com").request("x"))
                .outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.dsn()).isEqualTo("5.1.1");
        assertThat(outcome.text()).isEqualTo("unknown user: \"nobody@example.com\"");
    }

    @Test
    void defersWhenTheMaildirCannotBeWritten() throws Exception {
        Files.createDirectories(base.resolve("example.com/info"));
        Files.writeString(base.resolve("example.com/info/tmp"), "a file where tmp/ should be");
        VirtualDelivery agent = agent(Map.of("info@example.com", "example.com/info/"), Map.of());

        Outcome outcome = agent.deliver(TestMessage.of("s@example.org", CONTENT, "info@example.com").request("x"))
                .outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.2.0");
        assertThat(outcome.text()).startsWith("maildir delivery failed:");
    }

    @Test
    void refusesAMailboxPathOutsideTheBase() {
        VirtualDelivery agent = agent(Map.of("evil@example.com", "../../etc/evil/"), Map.of());
        Outcome outcome = agent.deliver(TestMessage.of("s@example.org", CONTENT, "evil@example.com").request("x"))
                .outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).contains("outside virtual_mailbox_base");
    }

    @Test
    void appendsToAnMboxForAValueWithoutTrailingSlash() throws Exception {
        VirtualDelivery agent = agent(Map.of("old@example.com", "example.com/old"), Map.of());
        Files.createDirectories(base.resolve("example.com"));
        Outcome outcome = agent.deliver(TestMessage.of("s@example.org", CONTENT, "old@example.com").request("x"))
                .outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.text()).isEqualTo("delivered to mailbox");
        assertThat(Files.readString(base.resolve("example.com/old"))).startsWith("From s@example.org  ");
    }

    @Test
    void honoursVirtualMailboxLimitForMbox() throws Exception {
        VirtualDelivery agent = agent(Map.of("old@example.com", "old"), Map.of("virtual_mailbox_limit", "10"));
        Outcome outcome = agent.deliver(TestMessage.of("s@example.org", CONTENT, "old@example.com").request("x"))
                .outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.dsn()).isEqualTo("5.2.2");
    }

    @Test
    void givesMailboxFilesToVirtualUidMapsOwnerWhenRunningAsRoot() throws Exception {
        VirtualDelivery agent = agent(Map.of("info@example.com", "example.com/info/"), Map.of());
        agent.deliver(TestMessage.of("s@example.org", CONTENT, "info@example.com").request("x"));

        int expected = Owner.runningAsRoot() ? 5000 : (Integer) Files.getAttribute(base, "unix:uid");
        assertThat((Integer) Files.getAttribute(files(base.resolve("example.com/info/new")).get(0), "unix:uid"))
                .isEqualTo(expected);
        assertThat((Integer) Files.getAttribute(base.resolve("example.com/info"), "unix:uid")).isEqualTo(expected);
    }

    @Test
    void refusesAUidBelowVirtualMinimumUidWhenRunningAsRoot() {
        VirtualDelivery agent = agent(Map.of("info@example.com", "example.com/info/"),
                Map.of("virtual_uid_maps", "static:0"));
        Outcome outcome = agent.deliver(TestMessage.of("s@example.org", CONTENT, "info@example.com").request("x"))
                .outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Owner.runningAsRoot() ? Status.DEFERRED : Status.SENT);
    }
}
