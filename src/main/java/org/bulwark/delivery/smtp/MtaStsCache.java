package org.bulwark.delivery.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The MTA-STS policies fetched so far, one file per policy domain in {@code
 * smtp_mta_sts_cache_directory}, so they outlive a restart (RFC 8461 §5: a cached policy is used
 * until it expires, whatever happens to the TXT record or the policy host meanwhile). A file is
 * written to a temporary name and renamed, so a reader sees the old entry or the new one whole:
 * <pre>
 * id: 20260101T000000
 * fetched: 2026-12-07T05:00:00Z
 *
 * version: STSv1
 * mode: enforce
 * ...
 * </pre>
 * An unreadable or damaged file counts as no entry.
 */
final class MtaStsCache {

    /** A cached policy: the TXT record's id it was fetched under, and when it was fetched. */
    record Entry(String id, Instant fetched, MtaStsPolicy policy) {
        Instant expires() {
            return fetched.plusSeconds(policy.maxAge());
        }

        boolean expired(Instant now) {
            return !now.isBefore(expires());
        }
    }

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,252})");

    private final Path directory;

    MtaStsCache(Path directory) {
        this.directory = directory;
    }

    Optional<Entry> read(String domain) {
        Optional<Path> file = file(domain);
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file.get(), StandardCharsets.UTF_8);
            int blank = text.indexOf("\n\n");
            if (blank < 0) {
                return Optional.empty();
            }
            String id = null;
            Instant fetched = null;
            for (String line : text.substring(0, blank).split("\n")) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4).strip();
                } else if (line.startsWith("fetched: ")) {
                    fetched = Instant.parse(line.substring(9).strip());
                }
            }
            if (id == null || fetched == null) {
                return Optional.empty();
            }
            return Optional.of(new Entry(id, fetched, MtaStsPolicy.parse(text.substring(blank + 2))));
        } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Stores the entry; a failure to write is returned for the log (the policy still applies now). */
    Optional<String> write(String domain, Entry entry) {
        Optional<Path> file = file(domain);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        String text = "id: " + entry.id() + "\nfetched: " + entry.fetched() + "\n\n" + entry.policy().text();
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "." + domain, ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, file.get(), StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file.get(), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(SmtpTexts.stsCacheWriteFailed(directory, e.getMessage()));
        }
    }

    /** The file of a domain; none for a name that is not a plain host name (it could escape the directory). */
    private Optional<Path> file(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(d).matches() || d.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(directory.resolve(d));
    }
}
