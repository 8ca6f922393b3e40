package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry is the only place a default is written, so every default must read as its type. */
class RegistryDefaultsTest {

    @TempDir
    Path dir;

    @Test
    void everyDefaultReadsThroughItsTypedGetter() {
        Config defaults = Config.of(Map.of());
        for (Parameter p : Parameters.all()) {
            assertThatCode(() -> {
                switch (p.type()) {
                    case STRING -> defaults.get(p.name());
                    case LIST -> defaults.list(p.name());
                    case INTEGER -> defaults.integer(p.name());
                    case SIZE -> defaults.size(p.name());
                    case TIME -> defaults.time(p.name());
                    case BOOLEAN -> defaults.bool(p.name());
                }
            }).as(p.name()).doesNotThrowAnyException();
        }
    }

    @Test
    void parametersTheCodeReadsHavePostfixDefaults() {
        Config defaults = Config.of(Map.of());

        assertThat(defaults.integer("smtpd_junk_command_limit")).isEqualTo(100);
        assertThat(defaults.integer("smtpd_recipient_overshoot_limit")).isEqualTo(1000);
        assertThat(defaults.bool("smtpd_forbid_unauth_pipelining")).isTrue();
        assertThat(defaults.bool("smtpd_relay_before_recipient_restrictions")).isTrue();
        assertThat(defaults.get("smtpd_null_access_lookup_key")).isEqualTo("<>");
        assertThat(defaults.list("allow_mail_to_files")).containsExactly("alias", "forward");
        assertThat(defaults.integer("virtual_alias_recursion_limit")).isEqualTo(1000);
    }

    @Test
    void aBadNumberStopsTheLoadInsteadOfFallingBack() throws Exception {
        Files.writeString(dir.resolve("main.cf"), "smtpd_junk_command_limit = plenty\n");

        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("main.cf, line 1")
                .hasMessageContaining("smtpd_junk_command_limit");
    }
}
