package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.junit.jupiter.api.Test;

/** smtpd_milters and non_smtpd_milters as Postfix reads them, with Postfix's defaults. */
class MilterSpecTest {

    private static List<MilterSpec> parse(String value, String... settings) {
        Map<String, String> values = new java.util.HashMap<>(Map.of("smtpd_milters", value,
                "queue_directory", "/var/spool/postfix"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return MilterSpec.fromConfig(Config.of(values), "smtpd_milters");
    }

    @Test
    void postfixsDefaults() {
        MilterSpec s = parse("inet:localhost:8891").get(0);
        assertThat(s.endpoint()).isEqualTo(new MilterEndpoint.Inet("inet:localhost:8891", "localhost", 8891));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.contentTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.defaultAction()).isEqualTo(DefaultAction.TEMPFAIL);
        assertThat(s.version()).isEqualTo(6);
        assertThat(s.events()).isEqualTo(MilterProtocol.V6_MASK);
    }

    @Test
    void severalMiltersInOrderUnixPathsRelativeToTheQueueDirectory() {
        List<MilterSpec> specs = parse("unix:/run/opendkim/opendkim.sock, inet:[::1]:11332 unix:private/spamass");
        assertThat(specs).extracting(MilterSpec::name)
                .containsExactly("unix:/run/opendkim/opendkim.sock", "inet:[::1]:11332", "unix:private/spamass");
        assertThat(specs.get(1).endpoint()).isEqualTo(new MilterEndpoint.Inet("inet:[::1]:11332", "::1", 11332));
        assertThat(specs.get(2).endpoint())
                .isEqualTo(new MilterEndpoint.Unix("unix:private/spamass", Path.of("/var/spool/postfix/private/spamass")));
    }

    @Test
    void perMilterSettingsInBraces() {
        List<MilterSpec> specs = parse("{ inet:127.0.0.1:8891, connect_timeout=10s, command_timeout=1m,"
                + " content_timeout=2m, default_action=accept, protocol=4 }, inet:127.0.0.1:11332",
                "milter_default_action", "reject");
        MilterSpec first = specs.get(0);
        assertThat(first.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(first.commandTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(first.contentTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(first.defaultAction()).isEqualTo(DefaultAction.ACCEPT);
        assertThat(first.version()).isEqualTo(4);
        assertThat(specs.get(1).defaultAction()).isEqualTo(DefaultAction.REJECT);
        assertThat(specs.get(1).version()).isEqualTo(6);
    }

    @Test
    void protocolWithNoHeaderReply() {
        MilterSpec s = parse("inet:127.0.0.1:8891", "milter_protocol", "6 no_header_reply").get(0);
        assertThat(s.events() & MilterProtocol.P_NR_HDR).isNotZero();
    }

    @Test
    void mistakesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> parse("127.0.0.1:8891")).hasMessageContaining("expected inet:host:port or unix:pathname");
        assertThatThrownBy(() -> parse("inet:127.0.0.1:99999")).hasMessageContaining("bad milter");
        assertThatThrownBy(() -> parse("{ inet:127.0.0.1:8891, colour=blue }")).hasMessageContaining("unknown option \"colour\"");
        assertThatThrownBy(() -> parse("{ inet:127.0.0.1:8891, connect_timeout=soon }"))
                .hasMessageContaining("bad value \"soon\" for milter_connect_timeout");
        assertThatThrownBy(() -> parse("{ inet:127.0.0.1:8891, default_action=ignore }"))
                .hasMessageContaining("bad milter default_action \"ignore\"");
        assertThatThrownBy(() -> parse("inet:127.0.0.1:8891", "milter_protocol", "5"))
                .hasMessageContaining("bad milter protocol \"5\"");
    }

    @Test
    void emptyMeansNoMilters() {
        assertThat(parse("")).isEmpty();
        assertThat(Milters.fromConfig(Config.of(Map.of("non_smtpd_milters", "inet:127.0.0.1:8891")),
                "non_smtpd_milters").specs()).extracting(MilterSpec::name).containsExactly("inet:127.0.0.1:8891");
        assertThat(MilterFixture.milters("").isEmpty()).isTrue();
    }
}
