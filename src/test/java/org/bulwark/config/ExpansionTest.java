package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpansionTest {

    private static Config config(String... pairs) {
        java.util.HashMap<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return Config.of(values);
    }

    @Test
    void expandsAllThreeReferenceForms() {
        Config c = config("a", "x", "b", "$a-${a}-$(a)");

        assertThat(c.get("b")).isEqualTo("x-x-x");
    }

    @Test
    void expandsRecursively() {
        Config c = config("myhostname", "mx.example.org", "myorigin", "$mydomain", "mydomain", "$myhostname");

        assertThat(c.get("myorigin")).isEqualTo("mx.example.org");
    }

    @Test
    void questionMarkFormAppliesWhenTheParameterIsNonEmpty() {
        Config c = config("full", "yes", "empty", "", "r1", "${full?on}", "r2", "${empty?on}", "r3", "${full?{a, b}}");

        assertThat(c.get("r1")).isEqualTo("on");
        assertThat(c.get("r2")).isEmpty();
        assertThat(c.get("r3")).isEqualTo("a, b");
    }

    @Test
    void colonFormAppliesWhenTheParameterIsEmpty() {
        Config c = config("full", "yes", "r1", "${full:off}", "r2", "${unset_thing:off}", "r3", "${unset_thing:{$full}}");

        assertThat(c.get("r1")).isEmpty();
        assertThat(c.get("r2")).isEqualTo("off");
        assertThat(c.get("r3")).isEqualTo("yes");
    }

    @Test
    void unclosedReferenceIsAnErrorNamingTheParameter() {
        assertThatThrownBy(() -> config("a", "${b").get("a"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("a = ${b: unclosed ${ or $( in a $name reference");
    }

    @Test
    void doubleDollarIsALiteralDollar() {
        assertThat(config("a", "cost $$5").get("a")).isEqualTo("cost $5");
    }

    @Test
    void undefinedParameterExpandsToEmpty() {
        assertThat(config("a", "[$nothing_here]").get("a")).isEqualTo("[]");
    }

    @Test
    void loopIsAClearError() {
        Config c = config("a", "$b", "b", "${c}", "c", "$(a)");

        assertThatThrownBy(() -> c.get("a"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parameter expansion loop: a -> b -> c -> a");
    }

    @Test
    void loopThroughAComputedDefaultIsCaught() {
        Config c = config("myhostname", "$mydomain");

        assertThatThrownBy(() -> c.get("myhostname"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parameter expansion loop: myhostname -> mydomain -> myhostname");
    }

    @Test
    void mydomainDefaultsToMyhostnameMinusItsFirstLabel() {
        assertThat(config("myhostname", "a.b.example").get("mydomain")).isEqualTo("b.example");
        assertThat(config("myhostname", "single").get("mydomain")).isEqualTo("localdomain");
    }

    @Test
    void loopInMainCfIsReportedWithItsLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Files.writeString(dir.resolve("main.cf"), "myhostname = $myorigin\nmyorigin = $myhostname\n");

        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .hasMessageContaining("line 1: parameter expansion loop: myhostname -> myorigin -> myhostname");
    }

    @Test
    void withOverridesExpandsAgainstTheOverrideAndCountsAsSet() {
        Config base = config("myhostname", "mx.example", "smtpd_banner", "$myhostname ready");
        Config service = base.with(Map.of("myhostname", "submit.example", "syslog_name", "postfix/submission"));

        assertThat(service.get("smtpd_banner")).isEqualTo("submit.example ready");
        assertThat(service.isSet("syslog_name")).isTrue();
        assertThat(base.isSet("syslog_name")).isFalse();
        assertThat(base.get("smtpd_banner")).isEqualTo("mx.example ready");
    }

    @Test
    void myoriginNamingAFileTakesItsFirstLineEverywhereItIsUsed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path mailname = java.nio.file.Files.writeString(dir.resolve("mailname"), "origin.example\n");
        Config c = config("myhostname", "mx.example.org", "myorigin", mailname.toString(), "mydestination", "$myorigin");

        assertThat(c.get("myorigin")).isEqualTo("origin.example");
        assertThat(c.get("mydestination")).isEqualTo("origin.example");
    }

    @Test
    void myoriginNamingAMissingFileFallsBackToMyhostname() {
        Config c = config("myhostname", "mx.example.org", "myorigin", "/nonexistent/mailname");

        assertThat(c.get("myorigin")).isEqualTo("mx.example.org");
    }
}
