package org.bulwark.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.config.LogicalLines;

/**
 * A table's text source in Postfix's logical lines (the same structure as main.cf), where a
 * continuation line with nothing to continue is an error rather than a line of its own.
 */
final class SourceLines {

    private SourceLines() {
    }

    static List<LogicalLines.Line> read(Path file, String spec) {
        List<String> physical;
        try {
            physical = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw TableTexts.missingFile(file, spec);
        } catch (IOException e) {
            throw TableTexts.unreadableFile(file, String.valueOf(e.getMessage()));
        }
        return LogicalLines.join(physical, (number, text) -> {
            throw TableTexts.badLine(file, number, text, "a logical line must not start with white space");
        });
    }
}
