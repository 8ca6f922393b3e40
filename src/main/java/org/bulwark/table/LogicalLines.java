package org.bulwark.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Postfix's logical lines (readlline(3)): blank lines and lines whose first non-blank character
 * is {@code #} are skipped, and a line that starts with white space continues the previous one.
 */
final class LogicalLines {

    /** One logical line and the physical line number where it starts, for error messages. */
    record Line(int number, String text) {
    }

    private LogicalLines() {
    }

    static List<Line> read(Path file, String spec) {
        List<String> physical;
        try {
            physical = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw TableMessages.missingFile(file, spec);
        } catch (IOException e) {
            throw TableMessages.unreadableFile(file, String.valueOf(e.getMessage()));
        }
        return join(file, physical);
    }

    static List<Line> join(Path file, List<String> physical) {
        List<Line> out = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < physical.size(); i++) {
            String raw = physical.get(i);
            String trimmed = raw.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0))) {
                if (current == null) {
                    throw TableMessages.badLine(file, i + 1, trimmed,
                            "a logical line must not start with white space");
                }
                current.append(' ').append(trimmed);
                continue;
            }
            if (current != null) {
                out.add(new Line(start, current.toString()));
            }
            current = new StringBuilder(raw.stripTrailing());
            start = i + 1;
        }
        if (current != null) {
            out.add(new Line(start, current.toString()));
        }
        return out;
    }
}
