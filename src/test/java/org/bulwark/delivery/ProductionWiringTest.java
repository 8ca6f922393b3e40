package org.bulwark.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.bulwark.config.Config;
import org.bulwark.delivery.local.LocalDelivery;
import org.bulwark.delivery.virtual.VirtualDelivery;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agents as the server builds them: tables opened from files named in the configuration. */
class ProductionWiringTest {

    @TempDir
    Path dir;

    private static final String CONTENT = "Subject: wired\n\nbody\n";

    @Test
    void virtualDeliveryReadsAHashMailboxMapAndStaticUids() throws Exception {
        Files.writeString(dir.resolve("vmailbox"), "info@virt.example  virt.example/info/\n");
        Path base = Files.createDirectories(dir.resolve("vmail"));
        Config config = Config.of(Map.of(
                "config_directory", dir.toString(),
                "myhostname", "mail.example.com",
                "virtual_mailbox_maps", "hash:vmailbox",
                "virtual_mailbox_base", base.toString(),
                "virtual_uid_maps", "static:5000",
                "virtual_gid_maps", "static:5000"));

        Outcome outcome = new VirtualDelivery(config)
                .deliver(TestMessage.of("s@example.org", CONTENT, "info@virt.example").request("virt.example"))
                .outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        try (Stream<Path> delivered = Files.list(base.resolve("virt.example/info/new"))) {
            assertThat(delivered).hasSize(1);
        }
    }

    @Test
    void localDeliveryReadsAnAliasesFileAndTheConfiguredDomains() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path archive = shared.resolve("archive");
        Files.writeString(dir.resolve("aliases"), "# aliases(5)\narchive: " + archive + "\nlist: archive@example.com\n");
        Config config = Config.of(Map.of(
                "config_directory", dir.toString(),
                "myhostname", "mail.example.com",
                "mydomain", "example.com",
                "mydestination", "$myhostname, $mydomain",
                "inet_interfaces", "127.0.0.1",
                "alias_maps", "hash:aliases"));

        Outcome outcome = new LocalDelivery(config, null)
                .deliver(TestMessage.of("s@example.org", CONTENT, "list@example.com").request("mail.example.com"))
                .outcomes().get(0);

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(outcome.text()).isEqualTo("delivered to file: " + archive);
        assertThat(Files.readString(archive)).contains("Delivered-To: list@example.com\nSubject: wired\n");
    }
}
