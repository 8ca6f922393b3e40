package org.bulwark.mailauth.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.util.LineHistory;

/**
 * The DMARC history under {@code data_directory}: {@code dmarc.history}, one {@link HistoryLine}
 * per evaluated message, appended by cleanup; and {@code dmarc.history.<millis>} files, lines
 * taken out of it for a report and kept until the report is queued. Cleanup (in the server) and
 * {@code bulwark dmarc report} (another process) share the file through {@link LineHistory}.
 */
public final class DmarcHistory {

    static final String FILE = "dmarc.history";

    private final LineHistory lines;

    private DmarcHistory(LineHistory lines) {
        this.lines = lines;
    }

    /** The history in {@code data_directory}; nothing is created before the first line. */
    public static DmarcHistory in(Path dataDirectory) {
        return new DmarcHistory(LineHistory.in(dataDirectory, FILE));
    }

    public Path file() {
        return lines.file();
    }

    LineHistory lines() {
        return lines;
    }

    Path directory() {
        return lines.directory();
    }

    /** Appends one line; a line left torn by a crash before it is ended first, so it stays alone. */
    public void append(HistoryLine line) throws IOException {
        lines.append(line.format(), Long.MAX_VALUE);
    }

    void ensureDirectory() throws IOException {
        lines.ensureDirectory();
    }

    void ownLikeDirectory(Path path) {
        lines.ownLikeDirectory(path);
    }

    void takeLiveLines() throws IOException {
        lines.takeLiveLines();
    }

    List<Path> pendingFiles() throws IOException {
        return lines.pendingFiles();
    }

    /** The lines of a file; whole lines only, the others (torn or unreadable) counted in {@link Lines#torn()}. */
    static Lines read(Path source) throws IOException {
        LineHistory.Lines raw = LineHistory.read(source);
        List<HistoryLine> parsed = new ArrayList<>();
        int torn = raw.torn();
        for (String line : raw.lines()) {
            try {
                parsed.add(HistoryLine.parse(line));
            } catch (IllegalArgumentException e) {
                torn++;
            }
        }
        return new Lines(parsed, torn);
    }

    /** Every line not yet reported: pending files, then the live file. For a dry run; takes nothing. */
    Lines readAll() throws IOException {
        List<HistoryLine> all = new ArrayList<>();
        int torn = 0;
        for (Path source : lines.allFiles()) {
            Lines read = read(source);
            all.addAll(read.lines());
            torn += read.torn();
        }
        return new Lines(all, torn);
    }

    /** Replaces the pending files that were read with one holding the lines still to report. */
    void replacePending(List<Path> done, List<HistoryLine> remaining) throws IOException {
        lines.replacePending(done, remaining.stream().map(HistoryLine::format).toList());
    }

    /** Lines read from history files; {@code torn} counts the lines that were not whole. */
    record Lines(List<HistoryLine> lines, int torn) {
    }
}
