package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 8461 §3.1 TXT records and §3.2 policies, parsed strictly. */
class MtaStsPolicyTest {

    @Test
    void parsesThePolicyOfTheRfc() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n");

        assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(p.maxAge()).isEqualTo(604800);
    }

    @Test
    void aWildcardMatchesExactlyOneLeftmostLabel() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: testing\nmx: *.example.net\nmax_age: 1\n");

        assertThat(p.matches("mx1.example.net")).isTrue();
        assertThat(p.matches("MX1.Example.NET.")).isTrue();
        assertThat(p.matches("example.net")).isFalse();
        assertThat(p.matches("a.b.example.net")).isFalse();
    }

    @Test
    void maxAgeIsCappedAtAboutAYearAndUnknownFieldsAreIgnored() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 9999999999\nfuture: x\n");

        assertThat(p.maxAge()).isEqualTo(MtaStsPolicy.MAX_AGE_LIMIT);
        assertThat(p.mx()).isEmpty();
    }

    @Test
    void refusesWhatIsNotAPolicy() {
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n"))
                .hasMessage("version \"STSv2\" is not STSv1");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n"))
                .hasMessage("mode \"strict\" is none of enforce, testing, none");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 1\n"))
                .hasMessage("no mx field");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\n"))
                .hasMessage("no max_age field");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5\n"))
                .hasMessage("max_age \"-5\" is not a number of seconds");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmode: none\nmx: a\nmax_age: 1\n"))
                .hasMessage("field \"mode\" appears more than once");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n"))
                .hasMessage("mx \"a..example\" is not a host name or *.domain pattern");
        assertThatThrownBy(() -> MtaStsPolicy.parse("<html>not found</html>"))
                .hasMessage("line 1 is not \"key: value\"");
    }

    @Test
    void readsTheIdOfAWellFormedTxtRecord() {
        assertThat(MtaSts.id("v=STSv1; id=20160831085700Z;")).contains("20160831085700Z");
        assertThat(MtaSts.id("v=STSv1;id=abc")).contains("abc");
        assertThat(MtaSts.id("v=STSv1; ext=1; id=abc ;")).contains("abc");
        assertThat(MtaSts.id("v=STSv1")).isEmpty();
        assertThat(MtaSts.id("v=STSv1; id=has-dash;")).isEmpty();
        assertThat(MtaSts.id("v=STSv1; id=" + "a".repeat(33) + ";")).isEmpty();
        assertThat(MtaSts.id("v=STSv10; id=abc;")).isEmpty();
    }
}
