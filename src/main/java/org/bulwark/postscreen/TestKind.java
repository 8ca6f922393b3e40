package org.bulwark.postscreen;

/** postscreen's tests, in the order of a cache entry's time stamps (Postfix's order). */
enum TestKind {
    PREGREET,
    DNSBL,
    PIPELINING,
    NON_SMTP,
    BARE_NEWLINE;

    /** Tests of the SMTP engine after the greeting, as opposed to those before it. */
    boolean deep() {
        return this == PIPELINING || this == NON_SMTP || this == BARE_NEWLINE;
    }
}
