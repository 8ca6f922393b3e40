package org.bulwark.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Private keys and password files must be readable by their owner only. A key that every account
 * on the machine can read is as good as published, so the server refuses it, as ssh refuses a
 * private key with loose modes, rather than run with it and say nothing.
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> SHARED = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private SecretFiles() {
    }

    /**
     * @param parameter the main.cf parameter that names the file (the error names its line)
     * @throws ConfigException when group or others may read or change the file; a file that is
     *         missing or on a file system without POSIX modes is left to the code that reads it
     */
    public static void requireOwnerOnly(String parameter, Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        for (PosixFilePermission p : permissions) {
            if (SHARED.contains(p)) {
                throw new ConfigException(ConfigMessages.secretReadableByOthers(parameter, file,
                        PosixFilePermissions.toString(permissions)));
            }
        }
    }
}
