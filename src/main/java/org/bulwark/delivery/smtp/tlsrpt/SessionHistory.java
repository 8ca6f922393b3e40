package org.bulwark.delivery.smtp.tlsrpt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.util.LineHistory;

/**
 * The TLS-RPT history under {@code data_directory}: {@code tlsrpt.history}, one {@link SessionLine}
 * per TLS session of the SMTP client, and {@code tlsrpt.history.<millis>} files taken out of it
 * for a report (the same files and locks as the DMARC history, {@link LineHistory}). The live file
 * stops growing at {@link #MAX_BYTES}: sessions beyond it go unreported until the next report run
 * empties it, rather than filling the disk the queue lives on.
 */
public final class SessionHistory {

    static final String FILE = "tlsrpt.history";
    /** About 200,000 sessions: far more than a day of a small site's outbound TLS. */
    public static final long MAX_BYTES = 64L << 20;

    private final LineHistory lines;

    private SessionHistory(LineHistory lines) {
        this.lines = lines;
    }

    public static SessionHistory in(Path dataDirectory) {
        return new SessionHistory(LineHistory.in(dataDirectory, FILE));
    }

    public Path file() {
        return lines.file();
    }

    LineHistory lines() {
        return lines;
    }

    /** @return false when the file is full and the line was left out */
    public boolean append(SessionLine line) throws IOException {
        return lines.append(line.format(), MAX_BYTES);
    }

    /** Sessions read from history files; {@code torn} counts lines that were not whole or not readable. */
    record Sessions(List<SessionLine> lines, int torn) {
    }

    static Sessions read(List<Path> sources) throws IOException {
        List<SessionLine> all = new ArrayList<>();
        int torn = 0;
        for (Path source : sources) {
            LineHistory.Lines raw = LineHistory.read(source);
            torn += raw.torn();
            for (String line : raw.lines()) {
                try {
                    all.add(SessionLine.parse(line));
                } catch (IllegalArgumentException e) {
                    torn++;
                }
            }
        }
        return new Sessions(all, torn);
    }
}
