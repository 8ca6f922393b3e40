package org.bulwark.mailauth.report;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.util.Fsync;

/**
 * The DMARC history under {@code data_directory}: {@code dmarc.history}, one {@link HistoryLine}
 * per evaluated message, appended by cleanup; and {@code dmarc.history.<millis>} files, lines
 * taken out of it for a report and kept until the report is queued.
 *
 * <p>Cleanup (in the server) and {@code bulwark dmarc report} (another process) share the file:
 * every write and the move of its lines into a pending file happen under a lock on the file
 * itself (fcntl, for the other process) and a lock in this process (fcntl locks are per process).
 * The live file is emptied in place rather than renamed, so a writer never appends to a file that
 * has already been taken. Appends are not fsynced: a crash loses at most the last lines, and a
 * line torn by a crash is skipped with a warning when read.
 */
public final class DmarcHistory {

    static final String FILE = "dmarc.history";
    private static final String PENDING_PREFIX = FILE + ".";
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final FileAttribute<Set<java.nio.file.attribute.PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path directory;
    private final Path file;

    private DmarcHistory(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(FILE);
    }

    /** The history in {@code data_directory}; nothing is created before the first line. */
    public static DmarcHistory in(Path dataDirectory) {
        return new DmarcHistory(dataDirectory.toAbsolutePath());
    }

    public Path file() {
        return file;
    }

    Path directory() {
        return directory;
    }

    /** Appends one line; a line left torn by a crash before it is ended first, so it stays alone. */
    public void append(HistoryLine line) throws IOException {
        byte[] bytes = line.format().getBytes(StandardCharsets.UTF_8);
        LOCK.lock();
        try (FileChannel channel = open(); FileLock ignored = channel.lock()) {
            long size = channel.size();
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
        } finally {
            LOCK.unlock();
        }
    }

    /** Creates data_directory when missing. */
    void ensureDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            // Postfix's data_directory is 0700: who wrote to whom is the server's business only.
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * A file made by {@code bulwark dmarc report} run as root gets the owner of data_directory,
     * so that the server, running as its own user, can still read and remove it.
     */
    void ownLikeDirectory(Path path) {
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
    void takeLiveLines() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        LOCK.lock();
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
            LOCK.unlock();
        }
    }

    private void writePending(byte[] content) throws IOException {
        Path temporary = directory.resolve(FILE + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, OWNER_ONLY);
        ownLikeDirectory(temporary);
        Files.write(temporary, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        Fsync.file(temporary);
        long stamp = System.currentTimeMillis();
        Path target;
        while (Files.exists(target = directory.resolve(PENDING_PREFIX + stamp))) {
            stamp++;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(directory);
    }

    /** The pending files, oldest first. */
    List<Path> pendingFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory, PENDING_PREFIX + "[0-9]*")) {
            dir.forEach(files::add);
        }
        files.sort(null);
        return files;
    }

    /** The lines of a file; whole lines only, the others counted in {@link Lines#torn()}. */
    static Lines read(Path source) throws IOException {
        List<HistoryLine> lines = new ArrayList<>();
        int torn = 0;
        if (!Files.exists(source)) {
            return new Lines(lines, 0);
        }
        String text = Files.readString(source, StandardCharsets.UTF_8);
        String[] parts = text.split("\n", -1);
        // The part after the last line end is empty for a whole file, a torn line otherwise.
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                continue;
            }
            if (i == parts.length - 1) {
                torn++;
                continue;
            }
            try {
                lines.add(HistoryLine.parse(part));
            } catch (IllegalArgumentException e) {
                torn++;
            }
        }
        return new Lines(lines, torn);
    }

    /** Every line not yet reported: pending files, then the live file. For a dry run; takes nothing. */
    Lines readAll() throws IOException {
        List<HistoryLine> lines = new ArrayList<>();
        int torn = 0;
        List<Path> sources = new ArrayList<>(pendingFiles());
        sources.add(file);
        for (Path source : sources) {
            Lines read = read(source);
            lines.addAll(read.lines());
            torn += read.torn();
        }
        return new Lines(lines, torn);
    }

    /**
     * Replaces the pending files that were read with one holding the lines still to report (none:
     * no file). The new file is in place before the old ones go, so a crash repeats, never loses.
     */
    void replacePending(List<Path> done, List<HistoryLine> remaining) throws IOException {
        if (!remaining.isEmpty()) {
            StringBuilder b = new StringBuilder();
            remaining.forEach(line -> b.append(line.format()));
            writePending(b.toString().getBytes(StandardCharsets.UTF_8));
        }
        for (Path path : done) {
            Files.deleteIfExists(path);
        }
        Fsync.directory(directory);
    }

    /** Lines read from history files; {@code torn} counts the lines that were not whole. */
    record Lines(List<HistoryLine> lines, int torn) {
    }
}
