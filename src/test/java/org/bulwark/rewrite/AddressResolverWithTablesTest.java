package org.bulwark.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver as the server builds it: real lookup tables and the domain classifier from the configuration. */
class AddressResolverWithTablesTest {

    @TempDir
    Path dir;

    @Test
    void resolvesThroughATexthashVirtualAliasMapAndTheConfiguredDomains() throws Exception {
        Files.writeString(dir.resolve("virtual"), String.join("\n",
                "# virtual(5)",
                "sales@alias.example   info@virt.example, boss@example.com",
                "@alias.example        catchall@virt.example", ""));
        Config config = Config.of(Map.of(
                "config_directory", dir.toString(),
                "myhostname", "mail.example.com",
                "mydomain", "example.com",
                "mydestination", "$myhostname, $mydomain, localhost",
                "virtual_alias_domains", "alias.example",
                "virtual_mailbox_domains", "virt.example",
                "virtual_alias_maps", "texthash:virtual",
                "inet_interfaces", "127.0.0.1"));

        List<Resolution> resolved = new AddressResolver(config).resolve(MailAddress.of("Sales@alias.example"));

        assertThat(resolved).containsExactly(
                new Resolution("virtual", "virt.example", MailAddress.of("info@virt.example")),
                new Resolution("local", "mail.example.com", MailAddress.of("boss@example.com")));
        assertThat(new AddressResolver(config).resolve(MailAddress.of("x@alias.example")))
                .containsExactly(new Resolution("virtual", "virt.example", MailAddress.of("catchall@virt.example")));
    }
}
