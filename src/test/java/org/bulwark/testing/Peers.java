package org.bulwark.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The Debian programs the tests talk to; a missing one fails with how to install it. */
public final class Peers {

    private Peers() {
    }

    public static String doveadm() {
        return require("/usr/bin/doveadm", "doveadm", "dovecot-core");
    }

    public static String dovecot() {
        return require("/usr/sbin/dovecot", "dovecot", "dovecot-core");
    }

    /** Dovecot's LMTP server, which dovecot starts for {@code protocols = lmtp}. */
    public static String dovecotLmtp() {
        return require("/usr/lib/dovecot/lmtp", "dovecot's lmtp", "dovecot-lmtpd");
    }

    public static String saslauthd() {
        return require("/usr/sbin/saslauthd", "saslauthd", "sasl2-bin");
    }

    public static String saslpasswd2() {
        return require("/usr/sbin/saslpasswd2", "saslpasswd2", "sasl2-bin");
    }

    public static String swaks() {
        return require("/usr/bin/swaks", "swaks", "swaks");
    }

    public static String python3() {
        return require("/usr/bin/python3", "python3", "python3");
    }

    public static String openssl() {
        return require("/usr/bin/openssl", "openssl", "openssl");
    }

    public static String redisServer() {
        return require("/usr/bin/redis-server", "redis-server", "redis-server");
    }

    public static String postgrey() {
        return require("/usr/sbin/postgrey", "postgrey", "postgrey");
    }

    public static String policydSpf() {
        return require("/usr/sbin/postfix-policyd-spf-perl", "postfix-policyd-spf-perl", "postfix-policyd-spf-perl");
    }

    public static String opendkim() {
        return require("/usr/sbin/opendkim", "opendkim", "opendkim");
    }

    public static String opendkimGenkey() {
        return require("/usr/sbin/opendkim-genkey", "opendkim-genkey", "opendkim-tools");
    }

    public static String rspamd() {
        return require("/usr/bin/rspamd", "rspamd", "rspamd");
    }

    public static String haproxy() {
        return require("/usr/sbin/haproxy", "haproxy", "haproxy");
    }

    public static String clamd() {
        return require("/usr/sbin/clamd", "clamd", "clamav-daemon");
    }

    public static String clamavMilter() {
        return require("/usr/sbin/clamav-milter", "clamav-milter", "clamav-milter");
    }

    public static String spamd() {
        return require("/usr/sbin/spamd", "spamd", "spamd");
    }

    public static String spamassMilter() {
        return require("/usr/sbin/spamass-milter", "spamass-milter", "spamass-milter");
    }

    public static String opendmarc() {
        return require("/usr/sbin/opendmarc", "opendmarc", "opendmarc");
    }

    /** util-linux's unshare, to run a peer in a mount namespace of its own. */
    public static String unshare() {
        return require("/usr/bin/unshare", "unshare", "util-linux");
    }

    private static String require(String path, String name, String pkg) {
        if (Files.isExecutable(Path.of(path))) {
            return path;
        }
        throw new AssertionError(name + " is needed by this test but is not installed; run: apt-get install " + pkg
                + " (.ci/run installs it)");
    }
}
