package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FILTER_README's main.cf and master.cf lines: content_filter and receive_override_options. */
class ContentFilterConfigTest {

    @TempDir
    Path dir;

    private LoadedConfig load(String mainCf, String masterCf) throws IOException {
        Files.writeString(dir.resolve("main.cf"), "myhostname = mx.example\n" + mainCf);
        Files.writeString(dir.resolve("master.cf"), masterCf);
        return ConfigLoader.load(dir);
    }

    @Test
    void theAdvancedFilterExampleLoadsWithoutWarnings() throws IOException {
        LoadedConfig config = load("""
                content_filter = scan:localhost:10025
                receive_override_options = no_address_mappings
                """, """
                smtp      inet  n       -       n       -       -       smtpd
                scan      unix  -       -       n       -       10      smtp
                localhost:10026 inet n  -       n       -       10      smtpd
                    -o content_filter=
                    -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters
                    -o smtpd_recipient_restrictions=permit_mynetworks,reject
                    -o mynetworks=127.0.0.0/8
                """);

        assertThat(config.warnings()).isEmpty();
        assertThat(config.main().with(config.services().get(2).overrides()).get("content_filter")).isEmpty();
    }

    @Test
    void noAddressMappingsWithoutAFilterWarnsThatMappingHappensAtDelivery() throws IOException {
        LoadedConfig config = load("receive_override_options = no_address_mappings\n",
                "smtp inet n - n - - smtpd\n");

        assertThat(config.warnings()).singleElement().asString()
                .contains("main.cf, line 2: receive_override_options: without a content_filter, no_address_mappings"
                        + " only turns off always_bcc, sender_bcc_maps and recipient_bcc_maps");
    }

    @Test
    void anUnknownOverrideOptionIsRefusedWithItsLine() {
        assertThatThrownBy(() -> load("", """
                smtp inet n - n - - smtpd
                127.0.0.1:10026 inet n - n - - smtpd -o receive_override_options=no_unknown_recipient_check
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("master.cf, line 2")
                .hasMessageContaining("receive_override_options");
    }
}
