package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainCfTest {

    @TempDir
    Path dir;

    private LoadedConfig load(String mainCf) throws IOException {
        Files.writeString(dir.resolve("main.cf"), mainCf);
        return ConfigLoader.load(dir);
    }

    @Test
    void indentedLineContinuesThePreviousOne() throws IOException {
        Config config = load("""
                mydestination = a.example,
                    b.example
                \tc.example
                relayhost = [mx.example]:587
                """).main();

        assertThat(config.get("mydestination")).isEqualTo("a.example, b.example c.example");
        assertThat(config.list("mydestination")).containsExactly("a.example", "b.example", "c.example");
        assertThat(config.get("relayhost")).isEqualTo("[mx.example]:587");
    }

    @Test
    void commentLinesAndBlankLinesAreSkippedEvenInsideAContinuation() throws IOException {
        Config config = load("""
                # a comment
                smtpd_client_restrictions =
                    permit_mynetworks,
                  # the blocklists
                    reject

                myhostname = mx.example
                """).main();

        assertThat(config.list("smtpd_client_restrictions")).containsExactly("permit_mynetworks", "reject");
        assertThat(config.get("myhostname")).isEqualTo("mx.example");
    }

    @Test
    void hashAfterAValueIsPartOfTheValue() throws IOException {
        Config config = load("mail_name = Mail # not a comment\n").main();

        assertThat(config.get("mail_name")).isEqualTo("Mail # not a comment");
    }

    @Test
    void laterDuplicateOverridesWithAWarning() throws IOException {
        LoadedConfig loaded = load("myhostname = one.example\nmyhostname = two.example\n");

        assertThat(loaded.main().get("myhostname")).isEqualTo("two.example");
        assertThat(loaded.warnings()).containsExactly(
                dir.resolve("main.cf") + ", line 2: overriding earlier entry: myhostname=one.example");
    }

    @Test
    void unknownParameterIsAWarningWithFileAndLine() throws IOException {
        LoadedConfig loaded = load("myhostname = mx.example\nfoo = bar\n");

        assertThat(loaded.warnings()).containsExactly(dir.resolve("main.cf") + ", line 2: unused parameter: foo=bar");
    }

    @Test
    void userDefinedParameterUsedByAnotherIsNotUnused() throws IOException {
        LoadedConfig loaded = load("""
                mua_client_restrictions = permit_sasl_authenticated, reject
                smtpd_client_restrictions = $mua_client_restrictions
                """);

        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.main().list("smtpd_client_restrictions")).containsExactly("permit_sasl_authenticated", "reject");
    }

    @Test
    void badSizeNamesFileLineAndWhatToWrite() throws IOException {
        Files.writeString(dir.resolve("main.cf"), "myhostname = mx.example\n".repeat(11) + "message_size_limit = 10M\n");

        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("main.cf") + ", line 12: message_size_limit = 10M: not a number of bytes;"
                        + " write e.g. 10240000")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(12));
    }

    @Test
    void badBooleanAndTimeAreRejectedAtLoad() throws IOException {
        assertThatThrownBy(() -> load("smtpd_helo_required = maybe\n"))
                .hasMessageEndingWith("line 1: smtpd_helo_required = maybe: not a boolean; write yes or no");
        assertThatThrownBy(() -> load("smtpd_timeout = 5 minutes\n"))
                .hasMessageContaining("line 1: smtpd_timeout = 5 minutes: not a time");
    }

    @Test
    void badValueReachedThroughExpansionIsRejected() throws IOException {
        assertThatThrownBy(() -> load("my_limit = lots\nmessage_size_limit = $my_limit\n"))
                .hasMessageEndingWith("line 2: message_size_limit = $my_limit: not a number of bytes; write e.g. 10240000");
    }

    @Test
    void valueOutsideAClosedSetListsTheChoices() throws IOException {
        assertThatThrownBy(() -> load("smtpd_tls_security_level = mandatory\n"))
                .hasMessageEndingWith("line 1: smtpd_tls_security_level = mandatory: not one of:"
                        + " (empty), none, may, encrypt");
        assertThatThrownBy(() -> load("inet_protocols = ipv4, ipx\n"))
                .hasMessageEndingWith("line 1: inet_protocols = ipv4, ipx: not one of: all, ipv4, ipv6");
    }

    @Test
    void mynetworksWithHostBitsSetIsRejected() throws IOException {
        assertThatThrownBy(() -> load("mynetworks = 127.0.0.0/8, 192.168.1.1/24\n"))
                .hasMessageContaining("line 1: mynetworks: bad network \"192.168.1.1/24\"")
                .hasMessageContaining("192.168.1.0/24");
    }

    @Test
    void mynetworksAcceptsTablesHostNamesAndIpv6() throws IOException {
        Config config = load("mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 !192.0.2.7"
                + " cidr:/etc/postfix/networks host.example\n").main();

        assertThat(config.list("mynetworks")).hasSize(6);
    }

    @Test
    void lineWithoutEqualsIsAnErrorWithItsLine() throws IOException {
        assertThatThrownBy(() -> load("myhostname = mx.example\nfoo\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("main.cf") + ", line 2: missing '=' after parameter name: \"foo\"");
    }

    @Test
    void fileThatIsNotUtf8IsAnErrorWithItsLine() throws IOException {
        byte[] latin1 = "myhostname = mx.example\nmail_name = M\u00e4il\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("main.cf"), latin1);

        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("main.cf") + ", line 2: not valid UTF-8; save the file as UTF-8");
    }

    @Test
    void missingMainCfSaysToCreateItOrUseDashC() {
        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("main.cf").toString())
                .hasMessageContaining("create it")
                .hasMessageContaining("-c DIR");
    }

    @Test
    void configDirectoryIsTheDirectoryLoaded() throws IOException {
        Config config = load("config_directory = /elsewhere\nqueue_directory = ${config_directory}/../var/spool\n").main();

        assertThat(config.get("config_directory")).isEqualTo(dir.toAbsolutePath().normalize().toString());
        assertThat(config.get("queue_directory")).isEqualTo(dir.toAbsolutePath().normalize() + "/../var/spool");
        assertThat(config.configDirectory()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void unsetParametersHavePostfixDefaults() throws IOException {
        Config config = load("myhostname = mail.example.com\n").main();

        assertThat(config.get("mydomain")).isEqualTo("example.com");
        assertThat(config.get("myorigin")).isEqualTo("mail.example.com");
        assertThat(config.list("mydestination")).containsExactly("mail.example.com", "localhost.example.com", "localhost");
        assertThat(config.get("smtpd_banner")).isEqualTo("mail.example.com ESMTP Bulwark");
        assertThat(config.size("message_size_limit")).isEqualTo(10_240_000L);
        assertThat(config.list("smtpd_relay_restrictions"))
                .containsExactly("permit_mynetworks", "permit_sasl_authenticated", "defer_unauth_destination");
        assertThat(config.get("relay_domains")).isEmpty();
        assertThat(config.get("local_transport")).isEqualTo("local:mail.example.com");
        assertThat(config.list("local_recipient_maps")).containsExactly("proxy:unix:passwd.byname", "hash:/etc/aliases");
        assertThat(config.get("smtpd_forbid_bare_newline")).isEqualTo("normalize");
        assertThat(config.list("mynetworks")).contains("127.0.0.0/8", "[::1]/128");
        assertThat(config.isSet("mydomain")).isFalse();
        assertThat(config.isSet("myhostname")).isTrue();
    }

    @Test
    void registryCoversEveryParameterTheGuidesName() {
        for (String name : new String[] {"broken_sasl_auth_clients", "smtpd_tls_session_cache_timeout",
                "tls_random_source", "anvil_rate_time_unit", "policy_time_limit", "queue_run_delay",
                "default_destination_concurrency_limit", "initial_destination_concurrency", "smtp_tls_security_level"}) {
            assertThat(Parameters.find(name)).as(name).isPresent();
        }
        assertThat(Parameters.find("dns_servers")).hasValueSatisfying(p -> assertThat(p.extension()).isTrue());
    }
}
