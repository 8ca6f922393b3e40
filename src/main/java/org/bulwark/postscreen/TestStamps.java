package org.bulwark.postscreen;

import java.util.Arrays;

/**
 * When each test's pass expires, in seconds since the epoch, as postscreen's cache holds it
 * ({@code pregreet;dnsbl;pipelining;non-smtp;bare-newline}). A test whose stamp is in the past,
 * or was never passed, must be run again; a disabled test is stamped {@link #DISABLED}, so that
 * turning it on later tests the client again.
 */
final class TestStamps {

    static final long NEW = 0;
    static final long DISABLED = 1;

    private final long[] expires = new long[TestKind.values().length];

    /** A client never seen: enabled tests are to do, disabled ones marked so. */
    static TestStamps fresh(Settings settings) {
        TestStamps stamps = new TestStamps();
        for (TestKind t : TestKind.values()) {
            stamps.expires[t.ordinal()] = settings.enabled(t) ? NEW : DISABLED;
        }
        return stamps;
    }

    /** A cache entry, or null when it is not one (a damaged or foreign value). */
    static TestStamps parse(String value) {
        String[] fields = value.split(";");
        if (fields.length != TestKind.values().length) {
            return null;
        }
        TestStamps stamps = new TestStamps();
        try {
            for (int i = 0; i < fields.length; i++) {
                stamps.expires[i] = Long.parseLong(fields[i].strip());
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return stamps;
    }

    /** Whether the client must take this test now. */
    boolean due(TestKind test, Settings settings, long now) {
        return settings.enabled(test) && expires[test.ordinal()] <= now;
    }

    void passed(TestKind test, long until) {
        expires[test.ordinal()] = until;
    }

    /** Extends a pass that would end sooner (an allow list's verdict covers the other tests too). */
    void atLeast(TestKind test, long until) {
        expires[test.ordinal()] = Math.max(expires[test.ordinal()], until);
    }

    /** Postfix disables a failed deep test's stamp, so that it is taken again. */
    void failed(TestKind test) {
        expires[test.ordinal()] = DISABLED;
    }

    long latest() {
        return Arrays.stream(expires).max().orElse(0);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (long e : expires) {
            if (!out.isEmpty()) {
                out.append(';');
            }
            out.append(e);
        }
        return out.toString();
    }
}
