package org.bulwark.spawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A system account a command runs as. Java has no getpwnam(3), so names are looked up with
 * getent(1), which asks the same NSS sources (files, LDAP, ...) the C library would.
 */
record Account(String name, int uid, int gid) {

    /** The account of {@code name}, or empty when there is none. */
    static Optional<Account> byName(String name) {
        return getent("passwd", name).map(fields -> new Account(fields[0], Integer.parseInt(fields[2]),
                Integer.parseInt(fields[3])));
    }

    /** The id of group {@code name}, or empty when there is none. */
    static Optional<Integer> groupId(String name) {
        return getent("group", name).map(fields -> Integer.parseInt(fields[2]));
    }

    /** The real user id of this process: the owner of /proc/self on Linux. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    /** The name of the user with this id (the id itself if it has none), for messages. */
    static String nameOf(int uid) {
        return getent("passwd", Integer.toString(uid)).map(f -> f[0]).orElse("uid " + uid);
    }

    private static Optional<String[]> getent(String database, String key) {
        if (key.isEmpty() || key.indexOf(':') >= 0) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder("getent", database, key)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            String[] fields = out.lines().findFirst().orElse("").split(":", -1);
            return fields.length >= 3 ? Optional.of(fields) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
