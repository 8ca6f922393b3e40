package org.bulwark.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class AddressRoutingTest {

    private static final Predicate<String> LOCAL = Set.of("example.com", "localhost")::contains;
    private static final AddressRouting.Options DEFAULTS = AddressRouting.Options.DEFAULTS;

    private static AddressRouting.Resolved resolve(String internal, AddressRouting.Options options) {
        return AddressRouting.resolve(MailAddress.of(internal), LOCAL, options);
    }

    @Test
    void keepsAPlainLocalAddress() {
        assertThat(resolve("alice@example.com", DEFAULTS))
                .isEqualTo(new AddressRouting.Resolved(MailAddress.of("alice@example.com"), false));
    }

    @Test
    void percentHackInALocalDomainLeadsElsewhere() {
        assertThat(resolve("user%other.example@example.com", DEFAULTS).address())
                .isEqualTo(MailAddress.of("user@other.example"));
    }

    @Test
    void percentHackUsesTheLastPercent() {
        assertThat(resolve("a%b%other.example@example.com", DEFAULTS).address().domain()).isEqualTo("other.example");
    }

    @Test
    void bangPathInALocalDomainIsSwapped() {
        assertThat(resolve("other.example!user@example.com", DEFAULTS).address())
                .isEqualTo(MailAddress.of("user@other.example"));
    }

    @Test
    void dequotedAtInALocalDomainSplitsOffTheDomain() {
        assertThat(resolve("user@other.example@example.com", DEFAULTS).address())
                .isEqualTo(MailAddress.of("user@other.example"));
    }

    @Test
    void followsRoutesThroughSeveralLocalDomains() {
        assertThat(resolve("user%other.example%localhost@example.com", DEFAULTS).address())
                .isEqualTo(MailAddress.of("user@other.example"));
    }

    @Test
    void marksRoutingInANonLocalDomain() {
        assertThat(resolve("user%third.example@relay.example", DEFAULTS).routed()).isTrue();
        assertThat(resolve("third!user@relay.example", DEFAULTS).routed()).isTrue();
        assertThat(resolve("plain@relay.example", DEFAULTS).routed()).isFalse();
    }

    @Test
    void percentHackOffKeepsTheAddressLocal() {
        AddressRouting.Options noPercent = new AddressRouting.Options(true, false, true);
        assertThat(resolve("user%other.example@example.com", noPercent).address())
                .isEqualTo(MailAddress.of("user%other.example@example.com"));
    }

    @Test
    void swapBangpathOffKeepsTheAddressLocal() {
        AddressRouting.Options noBang = new AddressRouting.Options(false, true, true);
        assertThat(resolve("other.example!user@example.com", noBang).address().domain()).isEqualTo("example.com");
    }

    @Test
    void resolveDequotedOffKeepsAQuotedAtInTheLocalPart() {
        AddressRouting.Options quoted = new AddressRouting.Options(true, true, false);
        AddressRouting.Resolved resolved = resolve("user@other.example@example.com", quoted);
        assertThat(resolved.address().domain()).isEqualTo("example.com");
        assertThat(resolve("user@other.example@relay.example", quoted).routed()).isFalse();
    }

    @Test
    void leavesAnUnqualifiedAddressAlone() {
        assertThat(resolve("postmaster", DEFAULTS).address().isQualified()).isFalse();
    }
}
