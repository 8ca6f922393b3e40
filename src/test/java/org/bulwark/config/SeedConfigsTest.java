package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Postfix configuration line from the guides the project follows loads. */
class SeedConfigsTest {

    private static Path guide(String name) {
        try {
            return Path.of(Objects.requireNonNull(SeedConfigsTest.class.getResource("/config/seeds/" + name)).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TempDir
    Path temp;

    /**
     * guide-004 leaves {@code myhostname =} for the reader to fill in, which Bulwark refuses (see
     * {@link #aGuidesEmptyMyhostnameIsRefusedWithItsLine}): the guide as a reader completes it.
     */
    private Path completed(String name) {
        Path dir = guide(name);
        if (!name.equals("guide-004")) {
            return dir;
        }
        try {
            Path copy = temp.resolve(name);
            Files.createDirectories(copy);
            for (String file : List.of("main.cf", "master.cf")) {
                Files.copy(dir.resolve(file), copy.resolve(file));
            }
            List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve("main.cf")));
            lines.set(0, lines.get(0).replaceFirst("=.*", "= mail.example.test"));
            Files.write(copy.resolve("main.cf"), lines);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aGuidesEmptyMyhostnameIsRefusedWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.load(guide("guide-004"))).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("guide-004/main.cf, line 1: myhostname is empty; it names this system in the"
                        + " SMTP greeting, HELO, Received: headers and the log, and mail to it is local. Set it to the"
                        + " host's name in DNS, e.g. myhostname = mail.example.org, or remove the line to use this"
                        + " host's name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"guide-000", "guide-001", "guide-002", "guide-003", "guide-004"})
    void everyGuideLoadsAndEveryParameterReads(String name) {
        LoadedConfig loaded = ConfigLoader.load(completed(name));

        Config config = loaded.main();
        for (String parameter : config.setParameters()) {
            Parameter p = Parameters.find(parameter).orElseThrow();
            switch (p.type()) {
                case LIST -> config.list(parameter);
                case INTEGER -> config.integer(parameter);
                case SIZE -> config.size(parameter);
                case TIME -> config.time(parameter);
                case BOOLEAN -> config.bool(parameter);
                case STRING -> config.get(parameter);
            }
        }
    }

    @Test
    void unindentedRestrictionListContinuesWithWarnings() {
        LoadedConfig loaded = ConfigLoader.load(guide("guide-001"));

        assertThat(loaded.main().list("smtpd_recipient_restrictions")).containsExactly(
                "permit_mynetworks", "permit_sasl_authenticated", "reject_unauth_destination",
                "reject_invalid_hostname", "reject_non_fqdn_hostname", "reject_non_fqdn_sender",
                "reject_unknown_sender_domain", "reject_rbl_client", "zen.spamhaus.org",
                "reject_rbl_client", "bl.spamcop.net");
        assertThat(loaded.warnings()).anyMatch(w -> w.endsWith("main.cf, line 8: line does not start with white space;"
                + " read as a continuation of smtpd_recipient_restrictions because the line before ends with a comma;"
                + " indent it"));
        assertThat(loaded.main().get("mynetworks")).isEqualTo("127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128");
    }

    @Test
    void hashAfterValueStaysPartOfTheValueAsInPostfix() {
        LoadedConfig loaded = ConfigLoader.load(completed("guide-004"));

        assertThat(loaded.main().get("smtpd_recipient_restrictions"))
                .isEqualTo("check_policy_service unix:postgrey/socket");
        assertThat(loaded.warnings()).anyMatch(w -> w.contains("overriding earlier entry: smtpd_recipient_restrictions="
                + "check_policy_service unix:private/policy-spf, policy_time_limit = 3600 # Default is 1000; too short[^12]"));
        assertThat(loaded.main().isSet("policy_time_limit")).isFalse();
    }

    @Test
    void nonBreakingSpacesFromWebPagesReadAsSpacesWithAWarning() {
        LoadedConfig loaded = ConfigLoader.load(completed("guide-004"));

        assertThat(loaded.main().get("smtpd_banner")).isEqualTo("mail.example.test ESMTP Why, hello there!");
        assertThat(loaded.main().get("myhostname")).isEqualTo("mail.example.test");
        assertThat(loaded.main().time("smtpd_error_sleep_time")).hasSeconds(60);
        assertThat(loaded.main().time("smtpd_tls_session_cache_timeout")).hasSeconds(3600);
        assertThat(loaded.warnings()).anyMatch(w -> w.endsWith("main.cf, line 1: non-breaking space (U+00A0) read as a"
                + " plain space; replace it with a space"));
    }

    @Test
    void guideMasterCfDefinesSubmissionAndSpawnedPolicyService() {
        LoadedConfig loaded = ConfigLoader.load(completed("guide-004"));

        assertThat(loaded.services()).extracting(ServiceEntry::service, ServiceEntry::type, ServiceEntry::command)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("submission", "inet", "smtpd"),
                        org.assertj.core.groups.Tuple.tuple("policy-spf", "unix", "spawn"));
        assertThat(loaded.services().get(1).args())
                .containsExactly("user=nobody", "argv=/usr/bin/perl", "/usr/local/bin/postfix-policyd-spf-perl");
        assertThat(loaded.services().get(1).maxproc()).isEqualTo("0");
    }
}
