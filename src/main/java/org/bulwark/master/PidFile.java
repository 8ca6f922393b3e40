package org.bulwark.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.bulwark.config.Config;

/**
 * The running daemon's process ID in {@code $queue_directory/pid/master.pid}, where Postfix keeps
 * it, so that stop and status find the daemon a configuration belongs to.
 */
public final class PidFile {

    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    public static PidFile of(Config config) {
        return new PidFile(Path.of(config.get("queue_directory"), "pid", "master.pid"));
    }

    public Path path() {
        return path;
    }

    /** The running daemon's status socket, beside the pid file. */
    public Path statusSocket() {
        return path.resolveSibling("status");
    }

    public void write(long pid) throws IOException {
        Files.createDirectories(path.getParent());
        Path temporary = path.resolveSibling("master.pid.tmp");
        Files.writeString(temporary, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The live process the file names; empty when there is no file or that process is gone. */
    public Optional<ProcessHandle> running() {
        try {
            long pid = Long.parseLong(Files.readString(path, StandardCharsets.US_ASCII).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public void remove() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a stale pid file is harmless: running() checks that the process is alive
        }
    }
}
