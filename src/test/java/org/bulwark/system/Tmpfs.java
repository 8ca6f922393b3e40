package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A small tmpfs mounted for one test, so that a disk really fills up. Mounting needs root (or
 * CAP_SYS_ADMIN), which the suite has here and in CI; where it is missing the test is skipped with
 * that reason instead of passing without having filled anything.
 */
final class Tmpfs implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final Path directory;

    private Tmpfs(Path directory) {
        this.directory = directory;
    }

    /** Mounts a tmpfs of {@code size} (mount's syntax, e.g. {@code 8m}) on a new directory. */
    static Tmpfs mount(Path directory, String size) throws Exception {
        Files.createDirectories(directory);
        MailSystemFixture.ProcessResult mount = MailSystemFixture.run(
                List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", directory.toString()), null);
        assertThat(mount.exitCode()).as("this test mounts a " + size + " tmpfs to fill a disk for real, which needs "
                + "root (CAP_SYS_ADMIN): run it as root (CI does: sudo .ci/run); mount said: " + mount.output().strip())
                .isZero();
        return new Tmpfs(directory);
    }

    Path directory() {
        return directory;
    }

    /** Bytes an unprivileged writer may still use (tmpfs keeps no reserve for root). */
    long usable() throws IOException {
        return Files.getFileStore(directory).getUsableSpace();
    }

    /** Writes a ballast file until no more than {@code leave} bytes are free; returns it. */
    Path fillLeaving(String name, long leave) throws IOException {
        Path ballast = directory.resolve(name);
        try (FileChannel out = FileChannel.open(ballast, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            while (usable() > leave) {
                chunk.clear();
                chunk.limit((int) Math.min(CHUNK, usable() - leave));
                out.write(chunk);
            }
        }
        return ballast;
    }

    /** Writes a ballast file until the file system says it is full (ENOSPC); returns it. */
    Path fillCompletely(String name) throws IOException {
        Path ballast = directory.resolve(name);
        try (FileChannel out = FileChannel.open(ballast, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer chunk = ByteBuffer.allocate(4096);
            while (true) {
                chunk.clear();
                out.write(chunk);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return ballast;
    }

    /** Unmounts; a file still held open by a process that is going away delays it, so detach then. */
    @Override
    public void close() throws Exception {
        MailSystemFixture.ProcessResult umount = MailSystemFixture.run(List.of("umount", directory.toString()), null);
        if (umount.exitCode() != 0) {
            MailSystemFixture.run(List.of("umount", "-l", directory.toString()), null);
        }
    }
}
