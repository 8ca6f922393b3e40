package org.bulwark.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Private keys and password files must not be readable by every account on the machine. Such a
 * key is as good as published, so the server refuses it, as ssh refuses a private key with loose
 * modes, rather than run with it and say nothing. Read access for the file's group is allowed:
 * that is how a key is shared with a group such as Debian's {@code ssl-cert}, and what the usual
 * {@code chmod o= key} leaves.
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> SHARED = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private SecretFiles() {
    }

    /** Whether a file with these modes keeps its secret from accounts outside its owner and group. */
    public static boolean isPrivate(Set<PosixFilePermission> permissions) {
        for (PosixFilePermission p : permissions) {
            if (SHARED.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param parameter the main.cf parameter that names the file (the error names its line)
     * @throws ConfigException when others may read or change the file, or its group may change
     *         it; a file that is missing or on a file system without POSIX modes is left to the
     *         code that reads it
     */
    public static void requirePrivate(String parameter, Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        if (!isPrivate(permissions)) {
            throw new ConfigException(ConfigTexts.secretReadableByOthers(parameter, file,
                    PosixFilePermissions.toString(permissions)));
        }
    }
}
