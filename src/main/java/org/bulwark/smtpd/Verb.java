package org.bulwark.smtpd;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The commands the server knows, with Postfix's flags: {@code limited} commands count toward
 * smtpd_junk_command_limit; {@code lastInGroup} ones must end a pipelined group (RFC 2920 §3.1),
 * so input already waiting after them is improper pipelining.
 */
enum Verb {
    HELO(true, true),
    EHLO(true, true),
    STARTTLS(false, true),
    AUTH(false, true),
    MAIL(false, false),
    RCPT(false, false),
    DATA(false, true),
    BDAT(false, false),
    RSET(true, false),
    NOOP(true, true),
    VRFY(true, true),
    ETRN(true, false),
    XCLIENT(false, true),
    XFORWARD(false, false),
    QUIT(false, false);

    final boolean limited;
    final boolean lastInGroup;

    Verb(boolean limited, boolean lastInGroup) {
        this.limited = limited;
        this.lastInGroup = lastInGroup;
    }

    /** The name in the disconnect line's counts. */
    String countName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** With smtpd_tls_security_level = encrypt, these wait for STARTTLS (RFC 3207 §4). */
    boolean needsTlsFirst() {
        return switch (this) {
            case MAIL, RCPT, DATA, BDAT, AUTH, VRFY, ETRN, XFORWARD -> true;
            default -> false;
        };
    }

    /** By name: looked up for every command, where {@code values()} would copy the array each time. */
    private static final Map<String, Verb> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Verb::name, v -> v));

    /** The verb of this name (upper case), or null. */
    static Verb lookup(String verb) {
        return BY_NAME.get(verb);
    }
}
