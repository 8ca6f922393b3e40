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

    /** resolve.c: the sender's entry replaces default_transport, and nothing else; DUNNO keeps it. */
    @Test
    void theSendersDefaultTransportAppliesToTheDefaultClassOnly() throws Exception {
        Files.writeString(dir.resolve("sender_transport"), String.join("\n",
                "alice+news@example.com   bulk:[192.0.2.7]:2525",
                "@partner.example         partner",
                "bob@partner.example      DUNNO",
                "<>                       bounces:[192.0.2.9]", ""));
        Config config = Config.of(Map.of(
                "config_directory", dir.toString(),
                "myhostname", "mail.example.com",
                "mydomain", "example.com",
                "mydestination", "$myhostname, $mydomain, localhost",
                "relay_domains", "relay.example",
                "relayhost", "[smarthost.example]",
                "recipient_delimiter", "+",
                "sender_dependent_default_transport_maps", "texthash:sender_transport",
                "inet_interfaces", "127.0.0.1"));
        AddressResolver resolver = new AddressResolver(config);
        MailAddress far = MailAddress.of("x@far.example");

        assertThat(resolver.route(far, MailAddress.of("alice+news@example.com")))
                .isEqualTo(new Resolution("bulk", "[192.0.2.7]:2525", far));
        // A transport without a nexthop keeps $relayhost, as default_transport would.
        assertThat(resolver.route(far, MailAddress.of("carol@partner.example")))
                .isEqualTo(new Resolution("partner", "[smarthost.example]", far));
        assertThat(resolver.route(far, MailAddress.of("bob@partner.example")))
                .isEqualTo(new Resolution("smtp", "[smarthost.example]", far));
        assertThat(resolver.route(far, MailAddress.of("")))
                .isEqualTo(new Resolution("bounces", "[192.0.2.9]", far));
        assertThat(resolver.route(far, MailAddress.of("dave@example.com")))
                .isEqualTo(new Resolution("smtp", "[smarthost.example]", far));
        // Not for the local and relay classes.
        assertThat(resolver.route(MailAddress.of("y@relay.example"), MailAddress.of("carol@partner.example")).transport())
                .isEqualTo("relay");
        assertThat(resolver.route(MailAddress.of("z@example.com"), MailAddress.of("carol@partner.example")).transport())
                .isEqualTo("local");
    }
}
