package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypedValuesTest {

    @Test
    void timeReadsEveryUnit() {
        Config c = Config.of(Map.of("smtpd_timeout", "30s", "queue_run_delay", "5m", "maximal_backoff_time", "2h",
                "bounce_queue_lifetime", "3d", "maximal_queue_lifetime", "1w"));

        assertThat(c.time("smtpd_timeout")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.time("queue_run_delay")).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.time("maximal_backoff_time")).isEqualTo(Duration.ofHours(2));
        assertThat(c.time("bounce_queue_lifetime")).isEqualTo(Duration.ofDays(3));
        assertThat(c.time("maximal_queue_lifetime")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void bareNumberUsesTheParametersDefaultUnit() {
        Config c = Config.of(Map.of("smtpd_timeout", "60", "maximal_queue_lifetime", "2", "delay_warning_time", "4"));

        assertThat(c.time("smtpd_timeout")).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.time("maximal_queue_lifetime")).isEqualTo(Duration.ofDays(2));
        assertThat(c.time("delay_warning_time")).isEqualTo(Duration.ofHours(4));
    }

    @Test
    void defaultsReadAsTheirTypes() {
        Config c = Config.of(Map.of());

        assertThat(c.time("maximal_queue_lifetime")).isEqualTo(Duration.ofDays(5));
        assertThat(c.time("delay_warning_time")).isEqualTo(Duration.ZERO);
        assertThat(c.time("smtpd_error_sleep_time")).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.time("policy_time_limit")).isEqualTo(Duration.ofSeconds(1000));
        assertThat(c.integer("smtpd_recipient_limit")).isEqualTo(1000);
        assertThat(c.integer("smtpd_hard_error_limit")).isEqualTo(20);
        assertThat(c.size("virtual_mailbox_limit")).isEqualTo(51_200_000L);
        assertThat(c.bool("smtpd_delay_reject")).isTrue();
        assertThat(c.bool("smtpd_helo_required")).isFalse();
    }

    @Test
    void booleansAcceptYesNoTrueFalse() {
        Config c = Config.of(Map.of("biff", "YES", "smtpd_helo_required", "true", "smtpd_delay_reject", "False"));

        assertThat(c.bool("biff")).isTrue();
        assertThat(c.bool("smtpd_helo_required")).isTrue();
        assertThat(c.bool("smtpd_delay_reject")).isFalse();
    }

    @Test
    void badTypedValueThrowsNamingTheParameter() {
        Config c = Config.of(Map.of("smtpd_recipient_limit", "many"));

        assertThatThrownBy(() -> c.integer("smtpd_recipient_limit"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("smtpd_recipient_limit = many: not a whole number; write e.g. 100");
    }

    @Test
    void listSplitsOnCommasAndWhiteSpace() {
        Config c = Config.of(Map.of("mydestination", "a.example,b.example  c.example,\n d.example"));

        assertThat(c.list("mydestination")).containsExactly("a.example", "b.example", "c.example", "d.example");
    }

    @Test
    void listKeepsBraceGroupsAsOneItem() {
        Config c = Config.of(Map.of(
                "virtual_alias_maps", "inline:{ a@x=b@y, c@x=d@y }, hash:/etc/postfix/virtual",
                "smtpd_recipient_restrictions",
                "permit_mynetworks, check_policy_service { inet:127.0.0.1:9998, timeout=10s }, reject"));

        assertThat(c.list("virtual_alias_maps")).containsExactly("inline:{ a@x=b@y, c@x=d@y }", "hash:/etc/postfix/virtual");
        assertThat(c.list("smtpd_recipient_restrictions")).containsExactly(
                "permit_mynetworks", "check_policy_service", "{ inet:127.0.0.1:9998, timeout=10s }", "reject");
    }

    @Test
    void emptyListIsEmpty() {
        assertThat(Config.of(Map.of()).list("smtpd_client_restrictions")).isEmpty();
    }
}
