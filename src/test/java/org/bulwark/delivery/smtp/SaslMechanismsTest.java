package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.delivery.smtp.SaslMechanisms.Choice;
import org.bulwark.delivery.smtp.SaslMechanisms.Mechanism;
import org.junit.jupiter.api.Test;

class SaslMechanismsTest {

    private static SaslMechanisms of(String... settings) {
        Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return SaslMechanisms.of(Config.of(values));
    }

    private static final List<String> ALL = List.of("LOGIN", "PLAIN", "SCRAM-SHA-256", "CRAM-MD5");

    @Test
    void scramIsPreferredAndPassesPostfixsDefaultsEvenWithoutTls() {
        assertThat(of().choose(ALL, false, false)).isEqualTo(new Choice.Use(Mechanism.SCRAM_SHA_256));
    }

    @Test
    void withPostfixsDefaultsPlaintextMechanismsAreNeverUsed() {
        SaslMechanisms defaults = of();
        assertThat(defaults.choose(List.of("PLAIN", "LOGIN"), false, false)).isEqualTo(new Choice.NoneAvailable());
        // smtp_sasl_tls_security_options defaults to $smtp_sasl_security_options.
        assertThat(defaults.choose(List.of("PLAIN", "LOGIN"), true, false)).isEqualTo(new Choice.NoneAvailable());
    }

    @Test
    void theOptionsOfTheConnectionDecide() {
        SaslMechanisms readme = of("smtp_sasl_tls_security_options", "noanonymous");
        assertThat(readme.choose(List.of("LOGIN", "PLAIN"), true, false)).isEqualTo(new Choice.Use(Mechanism.PLAIN));
        assertThat(readme.choose(List.of("LOGIN", "PLAIN"), false, false)).isEqualTo(new Choice.NoneAvailable());
        SaslMechanisms verifiedOnly = of("smtp_sasl_tls_verified_security_options", "noanonymous");
        assertThat(verifiedOnly.choose(List.of("PLAIN"), true, true)).isEqualTo(new Choice.Use(Mechanism.PLAIN));
        assertThat(verifiedOnly.choose(List.of("PLAIN"), true, false)).isEqualTo(new Choice.NoneAvailable());
        assertThat(of("smtp_sasl_security_options", "mutual_auth").choose(ALL, false, false))
                .isEqualTo(new Choice.Use(Mechanism.SCRAM_SHA_256));
        assertThat(of("smtp_sasl_security_options", "nodictionary").choose(ALL, false, false))
                .isEqualTo(new Choice.NoneAvailable());
    }

    @Test
    void theFilterIsAStringListWithNegation() {
        SaslMechanisms filter = of("smtp_sasl_mechanism_filter", "!scram-sha-256, plain, login",
                "smtp_sasl_security_options", "");
        assertThat(filter.filtered(ALL)).containsExactly("LOGIN", "PLAIN");
        assertThat(filter.choose(ALL, false, false)).isEqualTo(new Choice.Use(Mechanism.PLAIN));
        assertThat(of("smtp_sasl_mechanism_filter", "gssapi").choose(ALL, true, true))
                .isEqualTo(new Choice.NoneCompatible());
        assertThat(of().choose(List.of(), true, true)).isEqualTo(new Choice.NoneCompatible());
    }

    @Test
    void aTableInTheFilterAndAnUnknownOptionAreRefused() {
        assertThatThrownBy(() -> of("smtp_sasl_mechanism_filter", "hash:/etc/postfix/mechs"))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> of("smtp_sasl_tls_security_options", "noplain"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("smtp_sasl_tls_security_options");
    }

    @Test
    void splitsTheAuthExtensionIntoUpperCaseWords() {
        assertThat(SaslMechanisms.words(" login  Plain ")).containsExactly("LOGIN", "PLAIN");
    }
}
