package org.bulwark.queue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.bulwark.mail.QueueId;

/**
 * Postfix-style short queue IDs: the arrival time in microseconds as 12 upper-case hex digits
 * (they wrap after about 8.9 years). Within one process the value is strictly increasing, so two
 * writers never draw the same ID; between processes the CREATE_NEW of the file settles a tie, and
 * the loser draws again. Sorting IDs sorts by arrival.
 */
final class QueueIds {

    private static final long MASK = (1L << 48) - 1;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final AtomicLong last = new AtomicLong();

    QueueId next() {
        long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long micros = last.updateAndGet(previous -> Math.max(previous + 1, now));
        // The low 12 of the 16 hex digits of a long: the 48 bits kept.
        return new QueueId(HEX.toHexDigits(micros & MASK).substring(4));
    }
}
