package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bulwark.mail.MailAddress;
import org.bulwark.table.LookupTable;
import org.junit.jupiter.api.Test;

class SaslPasswordsTest {

    private static LookupTable table(Map<String, String> entries) {
        return new LookupTable() {
            @Override
            public Optional<String> find(String key) {
                return Optional.ofNullable(entries.get(key));
            }

            @Override
            public String spec() {
                return "inline:test";
            }
        };
    }

    private static final MailAddress ALICE = MailAddress.of("alice@Example.test");

    @Test
    void looksUpTheSenderThenItsDomainThenTheHostThenTheNexthopAsWritten() {
        SaslPasswords passwords = new SaslPasswords(List.of(), true, ":");
        assertThat(passwords.keys(ALICE, "Smtp.ISP.example", "[smtp.isp.example]:587")).containsExactly(
                "alice@example.test", "@example.test", "smtp.isp.example", "[smtp.isp.example]:587");
    }

    @Test
    void withoutSenderDependentAuthenticationTheSenderIsNotAsked() {
        SaslPasswords passwords = new SaslPasswords(List.of(), false, ":");
        assertThat(passwords.keys(ALICE, "mx1.remote.test", "remote.test")).containsExactly("mx1.remote.test",
                "remote.test");
        assertThat(passwords.keys(ALICE, "relay.test", "relay.test")).containsExactly("relay.test");
    }

    @Test
    void theNullSenderIsNeverLookedUp() {
        SaslPasswords passwords = new SaslPasswords(List.of(), true, ":");
        assertThat(passwords.keys(MailAddress.NULL_SENDER, "relay.test", "[relay.test]")).containsExactly("relay.test",
                "[relay.test]");
    }

    @Test
    void eachKeyIsAskedOfEveryTableBeforeTheNextKey() {
        LookupTable first = table(Map.of("[relay.test]:587", "nexthop-user:one"));
        LookupTable second = table(Map.of("relay.test", "host-user:two"));
        SaslPasswords passwords = new SaslPasswords(List.of(first, second), false, ":");
        assertThat(passwords.find(ALICE, "relay.test", "[relay.test]:587"))
                .contains(new SaslPasswords.Credentials("host-user", "two"));
    }

    @Test
    void theSendersEntryWinsOverTheRelaysAndThePasswordMayHoldTheDelimiter() {
        LookupTable table = table(Map.of("@example.test", "team:pass:with:colons", "[relay.test]", "relay:pw"));
        SaslPasswords passwords = new SaslPasswords(List.of(table), true, ":");
        assertThat(passwords.find(ALICE, "relay.test", "[relay.test]"))
                .contains(new SaslPasswords.Credentials("team", "pass:with:colons"));
        assertThat(new SaslPasswords(List.of(table), false, ":").find(ALICE, "relay.test", "[relay.test]"))
                .contains(new SaslPasswords.Credentials("relay", "pw"));
        assertThat(passwords.find(ALICE, "other.test", "other.test")).contains(new SaslPasswords.Credentials("team",
                "pass:with:colons"));
        assertThat(new SaslPasswords(List.of(table), false, ":").find(ALICE, "other.test", "other.test")).isEmpty();
    }

    @Test
    void credentialsNeverPrintThePassword() {
        assertThat(new SaslPasswords.Credentials("user", "s3cret").toString()).doesNotContain("s3cret");
    }
}
