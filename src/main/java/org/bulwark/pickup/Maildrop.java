package org.bulwark.pickup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.bulwark.util.Fsync;

/**
 * Leaves a message in {@code maildrop/} for pickup: the sendmail command's way into the queue,
 * and the server's own for mail it writes (DMARC reports). The file appears under its final name
 * only when complete and on disk: it is written to a temporary name, fsynced, renamed, and the
 * directory fsynced. The final name looks like a queue ID, which is how pickup and mailq tell
 * finished files from temporary ones.
 */
public final class Maildrop {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Maildrop() {
    }

    /** Streams a message's content; the caller owns any input. */
    @FunctionalInterface
    public interface Content {
        void copyTo(OutputStream out) throws IOException;
    }

    /** A temporary file in the maildrop directory, owned by the submitting user. */
    public static Path createTemporary(Path maildrop) throws IOException {
        return Files.createTempFile(maildrop, "tmp.", ".drop");
    }

    /**
     * Writes a whole message given in memory into the maildrop directory, as submitted by the
     * user this process runs as.
     */
    public static Path submit(Path maildrop, String sender, List<String> recipients, byte[] content) throws IOException {
        Path temporary = createTemporary(maildrop);
        MaildropFile envelope;
        try {
            envelope = new MaildropFile(((Number) Files.getAttribute(temporary, "unix:uid")).longValue(),
                    Files.getOwner(temporary).getName(), sender, null, false, recipients);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        return publish(temporary, envelope, out -> out.write(content));
    }

    /**
     * Writes the envelope and the content into {@code temporary}, then publishes it; on failure
     * the temporary file is removed.
     *
     * @return the published file
     */
    public static Path publish(Path temporary, MaildropFile envelope, Content content) throws IOException {
        try {
            try (OutputStream out = new BufferedOutputStream(
                    Files.newOutputStream(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))) {
                envelope.writeTo(out);
                content.copyTo(out);
            }
            Fsync.file(temporary);
            Path maildrop = temporary.getParent();
            while (true) {
                Path target = maildrop.resolve(newName());
                if (!Files.exists(target)) {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                    Fsync.directory(maildrop);
                    return target;
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Seconds and randomness in queue ID form: names sort roughly by submission time. */
    private static String newName() {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return String.format("%09X", Instant.now().getEpochSecond()) + HexFormat.of().withUpperCase().formatHex(random);
    }
}
