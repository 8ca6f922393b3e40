package org.bulwark.policy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded store: a map in memory and, when given a file, an append-only log of every put
 * that is replayed (without expired entries) and compacted at the next start. Losing the last
 * few puts in a crash only means a sender is greylisted once more, so the log is not fsynced.
 */
final class FileGreylistStore implements GreylistStore {

    private record Entry(String value, long expiresAt) { }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private BufferedWriter log;
    private final Path file;

    /** @param file the log, or null for memory only */
    FileGreylistStore(Path file) {
        this.file = file;
        if (file == null) {
            log = null;
            return;
        }
        try {
            Path directory = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(directory)) {
                // Postfix's data_directory is 0700: what it holds is the server's business only.
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
            if (Files.exists(file)) {
                replay(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
            log = compact(file);
        } catch (IOException e) {
            throw new UncheckedIOException(PolicyTexts.unreadableFile(file.toString(), e.getMessage()), e);
        }
    }

    /** Writes the live entries to a new file that replaces the log, and returns a writer appending to it. */
    private BufferedWriter compact(Path file) throws IOException {
        // Who wrote to whom from where: readable by the server only.
        Path compacted = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(compacted);
        Files.createFile(compacted, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (BufferedWriter out = Files.newBufferedWriter(compacted, StandardCharsets.UTF_8)) {
            for (var e : entries.entrySet()) {
                out.write(line(e.getKey(), e.getValue()));
            }
        }
        Files.move(compacted, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Override
    public int[] cleanup() {
        long now = System.currentTimeMillis();
        int before = entries.size();
        entries.values().removeIf(e -> e.expiresAt() <= now);
        int kept = entries.size();
        if (file != null) {
            writeLock.lock();
            try {
                log.close();
                log = compact(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                writeLock.unlock();
            }
        }
        return new int[] {kept, Math.max(0, before - kept)};
    }

    private void replay(List<String> lines) {
        long now = System.currentTimeMillis();
        for (String line : lines) {
            String[] f = line.split("\t");
            if (f.length != 3) {
                continue; // a line cut short by a crash
            }
            try {
                long expires = Long.parseLong(f[2]);
                if (expires > now) {
                    entries.put(f[0], new Entry(f[1], expires));
                } else {
                    entries.remove(f[0]);
                }
            } catch (NumberFormatException e) {
                // a damaged line: skip it
            }
        }
    }

    private static String line(String key, Entry e) {
        return key + "\t" + e.value() + "\t" + e.expiresAt() + "\n";
    }

    @Override
    public Optional<String> get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (e.expiresAt() <= System.currentTimeMillis()) {
            entries.remove(key, e);
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    @Override
    public void put(String key, String value, Duration timeToLive) {
        if (key.indexOf('\t') >= 0 || key.indexOf('\n') >= 0) {
            key = key.replace('\t', ' ').replace('\n', ' ');
        }
        Entry e = new Entry(value, System.currentTimeMillis() + timeToLive.toMillis());
        entries.put(key, e);
        if (log == null) {
            return;
        }
        writeLock.lock();
        try {
            log.write(line(key, e));
            log.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        if (log == null) {
            return;
        }
        writeLock.lock();
        try {
            log.close();
        } catch (IOException e) {
            // Every put was flushed already.
        } finally {
            writeLock.unlock();
        }
    }
}
