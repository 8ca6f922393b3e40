package org.bulwark.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A history of one-line records under {@code data_directory}, kept for periodic reports: the live
 * file {@code NAME}, to which the server appends, and {@code NAME.<millis>} files, lines taken out
 * of it for a report and kept until the report has gone.
 *
 * <p>The server and a reporting command (another process) share the file: every write and the
 * move of its lines into a pending file happen under a lock on the file itself (fcntl, for the
 * other process) and a lock in this process (fcntl locks are per process). The live file is
 * emptied in place rather than renamed, so a writer never appends to a file that has already
 * been taken. Appends are not fsynced: a crash loses at most the last lines, and a line torn by
 * a crash is counted as torn when read.
 */
public final class LineHistory {

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path directory;
    private final Path file;
    private final String name;
    private final ReentrantLock lock;

    private LineHistory(Path directory, String name) {
        this.directory = directory;
        this.name = name;
        this.file = directory.resolve(name);
        this.lock = LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
    }

    /** The history {@code name} in {@code dataDirectory}; nothing is created before the first line. */
    public static LineHistory in(Path dataDirectory, String name) {
        return new LineHistory(dataDirectory.toAbsolutePath(), name);
    }

    public Path file() {
        return file;
    }

    public Path directory() {
        return directory;
    }

    /**
     * Appends one line (ended with a newline by the caller); a line left torn by a crash before
     * it is ended first, so it stays alone.
     *
     * @param maxBytes the live file's largest size: a line that would pass it is not written
     * @return whether the line was written
     */
    public boolean append(String line, long maxBytes) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try (FileChannel channel = open(); FileLock ignored = channel.lock()) {
            long size = channel.size();
            if (size + bytes.length + 1 > maxBytes) {
                return false;
            }
            ByteBuffer out;
            if (size > 0 && !endsWithNewline(channel, size)) {
                out = ByteBuffer.allocate(bytes.length + 1).put((byte) '\n').put(bytes).flip();
            } else {
                out = ByteBuffer.wrap(bytes);
            }
            long position = size;
            while (out.hasRemaining()) {
                position += channel.write(out, position);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Creates data_directory when missing. */
    public void ensureDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            // Postfix's data_directory is 0700: who wrote to whom is the server's business only.
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * A file made by a reporting command run as root gets the owner of data_directory, so that the
     * server, running as its own user, can still read and remove it.
     */
    public void ownLikeDirectory(Path path) {
        try {
            var owner = Files.getOwner(directory);
            if (!Files.getOwner(path).equals(owner)) {
                Files.setOwner(path, owner);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Not root: the file is ours, as the directory is.
        }
    }

    private FileChannel open() throws IOException {
        ensureDirectory();
        boolean existed = Files.exists(file);
        FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE), OWNER_ONLY);
        if (!existed) {
            ownLikeDirectory(file);
        }
        return channel;
    }

    private static boolean endsWithNewline(FileChannel channel, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        return channel.read(last, size - 1) == 1 && last.get(0) == '\n';
    }

    /**
     * Moves every line of the live file into a new pending file (written whole and fsynced before
     * the live file is emptied, so a crash in between duplicates lines rather than losing them).
     */
    public void takeLiveLines() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        lock.lock();
        try (FileChannel channel = open(); FileLock ignored = channel.lock()) {
            long size = channel.size();
            if (size == 0) {
                return;
            }
            ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(size));
            while (all.hasRemaining() && channel.read(all, all.position()) > 0) {
                // read until full
            }
            writePending(all.array());
            channel.truncate(0);
            channel.force(true);
        } finally {
            lock.unlock();
        }
    }

    private void writePending(byte[] content) throws IOException {
        Path temporary = directory.resolve(name + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, OWNER_ONLY);
        ownLikeDirectory(temporary);
        Files.write(temporary, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        Fsync.file(temporary);
        long stamp = System.currentTimeMillis();
        Path target;
        while (Files.exists(target = directory.resolve(name + "." + stamp))) {
            stamp++;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(directory);
    }

    /** The pending files, oldest first. */
    public List<Path> pendingFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory, name + ".[0-9]*")) {
            dir.forEach(files::add);
        }
        files.sort(null);
        return files;
    }

    /** The whole lines of a file, without their newlines; the part after the last newline counts as torn. */
    public static Lines read(Path source) throws IOException {
        List<String> lines = new ArrayList<>();
        int torn = 0;
        if (!Files.exists(source)) {
            return new Lines(lines, 0);
        }
        String text = Files.readString(source, StandardCharsets.UTF_8);
        String[] parts = text.split("\n", -1);
        // The part after the last line end is empty for a whole file, a torn line otherwise.
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty()) {
                continue;
            }
            if (i == parts.length - 1) {
                torn++;
            } else {
                lines.add(parts[i]);
            }
        }
        return new Lines(lines, torn);
    }

    /** The files a dry run reads: the pending files, then the live file. */
    public List<Path> allFiles() throws IOException {
        List<Path> sources = new ArrayList<>(pendingFiles());
        sources.add(file);
        return sources;
    }

    /**
     * Replaces the pending files that were read with one holding the lines still to report (none:
     * no file). The new file is in place before the old ones go, so a crash repeats, never loses.
     *
     * @param remaining whole lines, each ended with a newline
     */
    public void replacePending(List<Path> done, List<String> remaining) throws IOException {
        if (!remaining.isEmpty()) {
            writePending(String.join("", remaining).getBytes(StandardCharsets.UTF_8));
        }
        for (Path path : done) {
            Files.deleteIfExists(path);
        }
        Fsync.directory(directory);
    }

    /** Lines read from history files; {@code torn} counts the lines that were not whole. */
    public record Lines(List<String> lines, int torn) {
    }
}
