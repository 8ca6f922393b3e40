package org.bulwark.delivery.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The password database as passwd(5) text, read at each lookup so that new accounts are seen
 * without a reload, as getpwnam(3) would see them.
 */
public final class PasswdFile {

    /** One account: passwd(5)'s fields that delivery needs. */
    public record Entry(String name, long uid, long gid, Path home, String shell) {
    }

    private final Path file;

    public PasswdFile(Path file) {
        this.file = file;
    }

    /** The system's password file. */
    public static PasswdFile system() {
        return new PasswdFile(Path.of("/etc/passwd"));
    }

    /** The account called {@code name} (exact match, as getpwnam(3)); empty if there is none. */
    public Optional<Entry> find(String name) throws IOException {
        if (name.isEmpty() || name.indexOf(':') >= 0) {
            return Optional.empty();
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[0].equals(name)) {
                    try {
                        return Optional.of(new Entry(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]), Path.of(f[5]), f[6]));
                    } catch (NumberFormatException badLine) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.empty();
    }
}
