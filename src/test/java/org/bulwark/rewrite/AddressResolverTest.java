package org.bulwark.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.bulwark.table.AddressClass;
import org.bulwark.table.LookupTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressResolverTest {

    private static final String VIRTUAL = "hash:/etc/postfix/virtual";

    private final Map<String, String> aliases = new HashMap<>();
    private final Map<String, String> params = new HashMap<>(Map.of(
            "myhostname", "mail.example.com",
            "myorigin", "example.com",
            "virtual_alias_maps", VIRTUAL,
            "recipient_delimiter", "+"));

    private static AddressClass classify(String domain) {
        return switch (domain) {
            case "example.com", "mail.example.com" -> AddressClass.LOCAL;
            case "virt.example" -> AddressClass.VIRTUAL_MAILBOX;
            case "alias.example" -> AddressClass.VIRTUAL_ALIAS;
            case "relay.example" -> AddressClass.RELAY;
            default -> AddressClass.DEFAULT;
        };
    }

    private List<Resolution> resolve(String address) {
        BiFunction<String, Path, LookupTable> opener = (spec, dir) -> new LookupTable() {
            @Override
            public Optional<String> find(String key) {
                return Optional.ofNullable(aliases.get(key.toLowerCase(Locale.ROOT)));
            }

            @Override
            public String spec() {
                return spec;
            }
        };
        return new AddressResolver(Config.of(params), opener, AddressResolverTest::classify)
                .resolve(MailAddress.of(address));
    }

    private Resolution only(String address) {
        List<Resolution> all = resolve(address);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void localDomainGoesToLocalTransportWithMyhostnameAsNexthop() {
        assertThat(only("alice@example.com"))
                .isEqualTo(new Resolution("local", "mail.example.com", MailAddress.of("alice@example.com")));
    }

    @Test
    void unqualifiedAddressGetsMyorigin() {
        assertThat(only("alice").address()).isEqualTo(MailAddress.of("alice@example.com"));
    }

    @Test
    void virtualMailboxDomainGoesToVirtualTransport() {
        assertThat(only("u@virt.example")).isEqualTo(new Resolution("virtual", "virt.example", MailAddress.of("u@virt.example")));
    }

    @Test
    void relayAndDefaultDomainsUseTheirTransportsWithTheDomainAsNexthop() {
        assertThat(only("u@relay.example")).isEqualTo(new Resolution("relay", "relay.example", MailAddress.of("u@relay.example")));
        assertThat(only("u@elsewhere.example")).isEqualTo(new Resolution("smtp", "elsewhere.example", MailAddress.of("u@elsewhere.example")));
    }

    @Test
    void relayhostBecomesTheNexthopOfRemoteMail() {
        params.put("relayhost", "[smtp.isp.example]:587");

        assertThat(only("u@elsewhere.example").nexthop()).isEqualTo("[smtp.isp.example]:587");
        assertThat(only("alice@example.com").nexthop()).isEqualTo("mail.example.com");
    }

    @Test
    void transportNexthopOverridesRelayhost() {
        params.put("relayhost", "[smtp.isp.example]");
        params.put("default_transport", "smtp:[gateway.example]:25");

        assertThat(only("u@elsewhere.example")).isEqualTo(
                new Resolution("smtp", "[gateway.example]:25", MailAddress.of("u@elsewhere.example")));
    }

    @Test
    void configuredLocalTransportIsUsed() {
        params.put("local_transport", "lmtp:unix:private/dovecot-lmtp");

        assertThat(only("alice@example.com").transport()).isEqualTo("lmtp");
        assertThat(only("alice@example.com").nexthop()).isEqualTo("unix:private/dovecot-lmtp");
    }

    @Test
    void expandsVirtualAliasesRecursivelyToSeveralTargets() {
        aliases.put("sales@alias.example", "team@alias.example, boss@virt.example");
        aliases.put("team@alias.example", "a@virt.example b@elsewhere.example");

        assertThat(resolve("sales@alias.example")).extracting(r -> r.address().internal())
                .containsExactly("a@virt.example", "b@elsewhere.example", "boss@virt.example");
    }

    @Test
    void anAliasMappingToItselfStopsThere() {
        aliases.put("u@virt.example", "u@virt.example, copy@virt.example");

        assertThat(resolve("u@virt.example")).extracting(r -> r.address().internal())
                .containsExactly("u@virt.example", "copy@virt.example");
    }

    @Test
    void unknownAddressInVirtualAliasDomainResolvesToError() {
        assertThat(only("nobody@alias.example")).isEqualTo(
                new Resolution("error", "User unknown in virtual alias table", MailAddress.of("nobody@alias.example")));
    }

    @Test
    void catchAllAliasKeepsTheAddressExtension() {
        aliases.put("@alias.example", "catch@virt.example");

        assertThat(only("user+tag@alias.example").address()).isEqualTo(MailAddress.of("catch+tag@virt.example"));
    }

    @Test
    void bareUserKeyMatchesOnlyInLocalDomains() {
        aliases.put("postmaster", "admin@virt.example");

        assertThat(only("postmaster@example.com").address()).isEqualTo(MailAddress.of("admin@virt.example"));
        assertThat(only("postmaster@elsewhere.example").address()).isEqualTo(MailAddress.of("postmaster@elsewhere.example"));
    }

    @Test
    void aliasLoopIsDeferredAtTheRecursionLimit() {
        params.put("virtual_alias_recursion_limit", "5");
        aliases.put("a@alias.example", "b@alias.example");
        aliases.put("b@alias.example", "a@alias.example");

        Resolution r = only("a@alias.example");
        assertThat(r.transport()).isEqualTo("retry");
        assertThat(r.nexthop()).startsWith("unreasonable virtual_alias_maps map nesting");
    }

    @Test
    void expansionBeyondTheLimitIsDeferred() {
        params.put("virtual_alias_expansion_limit", "2");
        aliases.put("list@alias.example", "a@virt.example, b@virt.example, c@virt.example");

        Resolution r = only("list@alias.example");
        assertThat(r.transport()).isEqualTo("retry");
        assertThat(r.nexthop()).startsWith("unreasonable virtual_alias_maps map expansion size");
    }

    @Test
    void percentHackRoutesThroughALocalDomain() {
        assertThat(only("user%elsewhere.example@example.com"))
                .isEqualTo(new Resolution("smtp", "elsewhere.example", MailAddress.of("user@elsewhere.example")));
    }

    @Test
    void percentHackCanBeTurnedOff() {
        params.put("allow_percent_hack", "no");

        assertThat(only("user%elsewhere.example@example.com").transport()).isEqualTo("local");
    }

    @Test
    void bangPathIsSwapped() {
        assertThat(only("elsewhere.example!user@example.com").address()).isEqualTo(MailAddress.of("user@elsewhere.example"));
    }

    @Test
    void quotedAddressInLocalPartIsResolvedAgain() {
        // The internal form of "user@virt.example"@example.com.
        assertThat(only("user@virt.example@example.com")).isEqualTo(new Resolution("virtual", "virt.example", MailAddress.of("user@virt.example")));
    }

    @Test
    void myoriginNamingAFileTakesItsFirstLine(@TempDir Path dir) throws Exception {
        Path mailname = dir.resolve("mailname");
        Files.writeString(mailname, "origin.example\n");
        params.put("myorigin", mailname.toString());

        assertThat(only("alice").address()).isEqualTo(MailAddress.of("alice@origin.example"));
    }
}
