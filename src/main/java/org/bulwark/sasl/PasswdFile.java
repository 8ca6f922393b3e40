package org.bulwark.sasl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.bulwark.config.ConfigException;
import org.bulwark.config.SecretFiles;

/**
 * A Dovecot passwd-file: {@code user:{SCHEME}hash[:uid:gid:gecos:home:shell:extra]} per line,
 * {@code #} comments. User names compare without case, as with Dovecot's common
 * {@code auth_username_format = %Lu}. The file is read again when it changes, so a new password
 * needs no reload.
 */
final class PasswdFile {

    private final Path file;
    private final Consumer<String> warnings;
    private final ReentrantLock lock = new ReentrantLock();
    private Map<String, String> entries = Map.of();
    private FileTime loaded;

    PasswdFile(Path file, Consumer<String> warnings) {
        this.file = file;
        this.warnings = warnings;
    }

    /** The stored password of a user, {@code {SCHEME}hash}. */
    Optional<String> password(String user) throws IOException {
        return Optional.ofNullable(current().get(user.toLowerCase(Locale.ROOT)));
    }

    private Map<String, String> current() throws IOException {
        // Checked on every use, not only at start: a chmod changes no modification time.
        try {
            SecretFiles.requirePrivate("smtpd_sasl_path", file);
        } catch (ConfigException e) {
            throw new IOException(e.getMessage(), e);
        }
        lock.lock();
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loaded)) {
                entries = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
                loaded = modified;
            }
            return entries;
        } finally {
            lock.unlock();
        }
    }

    private Map<String, String> parse(List<String> lines) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(":", -1);
            if (fields.length < 2 || fields[0].isEmpty()) {
                warnings.accept(SaslTexts.badLine(file.toString(), i + 1));
                continue;
            }
            out.put(fields[0].toLowerCase(Locale.ROOT), fields[1]);
        }
        return out;
    }

    Path path() {
        return file;
    }
}
