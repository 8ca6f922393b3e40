package org.bulwark.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainClassifierTest {

    @TempDir
    Path dir;

    private Config config(String... pairs) {
        Map<String, String> values = new HashMap<>(Map.of(
                "mydestination", "",
                "inet_interfaces", "127.0.0.1",
                "proxy_interfaces", "",
                "virtual_alias_domains", "",
                "virtual_mailbox_domains", "",
                "relay_domains", ""));
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return Config.of(values);
    }

    @Test
    void classifiesEachListedDomain() {
        DomainClassifier classifier = new DomainClassifier(config(
                "myhostname", "mail.example.com",
                "mydestination", "$myhostname, localhost",
                "virtual_alias_domains", "alias.example",
                "virtual_mailbox_domains", "mailbox.example",
                "relay_domains", "relay.example"));

        assertThat(classifier.classify("mail.example.com")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("LocalHost")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("alias.example")).isEqualTo(AddressClass.VIRTUAL_ALIAS);
        assertThat(classifier.classify("mailbox.example")).isEqualTo(AddressClass.VIRTUAL_MAILBOX);
        assertThat(classifier.classify("relay.example")).isEqualTo(AddressClass.RELAY);
        assertThat(classifier.classify("elsewhere.example")).isEqualTo(AddressClass.DEFAULT);
    }

    @Test
    void relayDomainsMatchSubdomainsByDefaultButMydestinationDoesNot() {
        DomainClassifier classifier = new DomainClassifier(config(
                "mydestination", "example.com", "relay_domains", "relay.example"));

        assertThat(classifier.classify("sub.relay.example")).isEqualTo(AddressClass.RELAY);
        assertThat(classifier.classify("sub.example.com")).isEqualTo(AddressClass.DEFAULT);
    }

    @Test
    void mydestinationWinsOverTheOtherClasses() {
        DomainClassifier classifier = new DomainClassifier(config(
                "mydestination", "both.example",
                "virtual_alias_domains", "both.example, twice.example",
                "virtual_mailbox_domains", "twice.example",
                "relay_domains", "twice.example"));

        assertThat(classifier.classify("both.example")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("twice.example")).isEqualTo(AddressClass.VIRTUAL_ALIAS);
    }

    @Test
    void virtualMailboxDomainsFromTheMapsAreTheDomainsThatAreKeys() throws IOException {
        Files.writeString(dir.resolve("vmailbox"), """
                example.net          anything
                alice@example.net    example.net/alice/
                bob@example.org      example.org/bob/
                """);
        DomainClassifier classifier = new DomainClassifier(config(
                "virtual_mailbox_maps", "texthash:" + dir.resolve("vmailbox"),
                "virtual_mailbox_domains", "$virtual_mailbox_maps"));

        assertThat(classifier.classify("example.net")).isEqualTo(AddressClass.VIRTUAL_MAILBOX);
        assertThat(classifier.classify("example.org")).isEqualTo(AddressClass.DEFAULT);
    }

    @Test
    void virtualAliasDomainsDefaultToTheAliasMaps() throws IOException {
        Files.writeString(dir.resolve("virtual"), "example.com anything\ninfo@example.com alice\n");
        Map<String, String> values = new HashMap<>(Map.of(
                "inet_interfaces", "127.0.0.1",
                "virtual_alias_maps", "texthash:" + dir.resolve("virtual")));

        DomainClassifier classifier = new DomainClassifier(Config.of(values));

        assertThat(classifier.classify("example.com")).isEqualTo(AddressClass.VIRTUAL_ALIAS);
    }

    @Test
    void addressLiteralOfAnInterfaceIsLocal() {
        DomainClassifier classifier = new DomainClassifier(config(
                "inet_interfaces", "127.0.0.1, [::1]", "proxy_interfaces", "192.0.2.25"));

        assertThat(classifier.classify("[127.0.0.1]")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("[IPv6:::1]")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("[192.0.2.25]")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("[127.0.0.2]")).isEqualTo(AddressClass.DEFAULT);
        assertThat(classifier.classify("[198.51.100.1]")).isEqualTo(AddressClass.DEFAULT);
    }

    @Test
    void loopbackOnlyMakesTheLoopbackLiteralsLocal() {
        DomainClassifier classifier = new DomainClassifier(config("inet_interfaces", "loopback-only"));

        assertThat(classifier.classify("[127.0.0.1]")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("[IPv6:::1]")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("[192.0.2.1]")).isEqualTo(AddressClass.DEFAULT);
    }

    @Test
    void allInterfacesIncludeLoopback() {
        DomainClassifier classifier = new DomainClassifier(config("inet_interfaces", "all"));

        assertThat(classifier.classify("[127.0.0.1]")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("[192.0.2.1]")).isEqualTo(AddressClass.DEFAULT);
    }

    @Test
    void keepsATrailingDotUnmatched() {
        DomainClassifier classifier = new DomainClassifier(config("mydestination", "example.com"));

        assertThat(classifier.classify("example.com.")).isEqualTo(AddressClass.DEFAULT);
    }
}
