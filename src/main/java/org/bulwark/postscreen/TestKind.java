package org.bulwark.postscreen;

/** postscreen's tests, in the order of a cache entry's time stamps (Postfix's order). */
enum TestKind {
    PREGREET("pregreet test"),
    DNSBL("dnsbl test"),
    PIPELINING("pipelining test"),
    NON_SMTP("non-smtp test"),
    BARE_NEWLINE("bare newline test");

    final String label;

    TestKind(String label) {
        this.label = label;
    }

    /** Tests of the SMTP engine after the greeting, as opposed to those before it. */
    boolean deep() {
        return this == PIPELINING || this == NON_SMTP || this == BARE_NEWLINE;
    }
}
