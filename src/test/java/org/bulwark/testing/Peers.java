package org.bulwark.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The Debian programs the anti-abuse tests talk to; a missing one fails with how to install it. */
public final class Peers {

    private Peers() {
    }

    public static String redisServer() {
        return require("/usr/bin/redis-server", "redis-server");
    }

    public static String postgrey() {
        return require("/usr/sbin/postgrey", "postgrey");
    }

    public static String policydSpf() {
        return require("/usr/sbin/postfix-policyd-spf-perl", "postfix-policyd-spf-perl");
    }

    private static String require(String path, String debianPackage) {
        if (Files.isExecutable(Path.of(path))) {
            return path;
        }
        throw new AssertionError(path + " is needed by this test but is not installed; run: apt-get install "
                + debianPackage + " (.ci/run installs it)");
    }
}
