package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListSyntaxTest {

    @Test
    void splitsOnCommasAndWhiteSpace() {
        assertThat(ListSyntax.split(" a, b\tc ,\n d,,")).containsExactly("a", "b", "c", "d");
    }

    @Test
    void keepsBraceGroupsWholeWithTheirBraces() {
        assertThat(ListSyntax.split("check_policy_service { inet:127.0.0.1:9998, timeout=10s }, inline:{ a=b, { c = d } }"))
                .containsExactly("check_policy_service", "{ inet:127.0.0.1:9998, timeout=10s }", "inline:{ a=b, { c = d } }");
    }

    @Test
    void splitsLikePostfixWhenBracesDoNotBalance() {
        assertThat(ListSyntax.split("a}, b")).containsExactly("a}", "b");
        assertThat(ListSyntax.split("a, {b, c")).containsExactly("a", "{b, c");
    }

    @Test
    void namesWhatIsWrongWithTheBraces() {
        assertThat(ListSyntax.braceProblem("inline:{ a=b }")).isEmpty();
        assertThat(ListSyntax.braceProblem("a=b }")).contains("unbalanced '}'");
        assertThat(ListSyntax.braceProblem("{ a=b")).contains("missing '}'");
    }

    @Test
    void masterCfFieldsSplitOnWhiteSpaceOnly() {
        assertThat(ListSyntax.split("smtp inet n - y - - smtpd -o a=b,c", " \t"))
                .containsExactly("smtp", "inet", "n", "-", "y", "-", "-", "smtpd", "-o", "a=b,c");
    }
}
