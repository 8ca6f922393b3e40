package org.bulwark.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Removes a file with one system call. {@link Files#delete} first looks at what the name is (an
 * lstat, to choose between unlink and rmdir); where the caller knows it made a file, the unlink
 * alone does, and only a failure costs the second look that says why.
 */
public final class Unlink {

    private Unlink() {
    }

    /** Removes {@code file}, a regular file of the default file system; throws as Files.delete does. */
    public static void file(Path file) throws IOException {
        if (!file.toFile().delete()) {
            Files.delete(file);
        }
    }
}
