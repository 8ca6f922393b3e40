package org.bulwark.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Splitting of Postfix list values and the {@code /file/name} files they may name. */
final class ListItems {

    /** One item read from a list file, with where it came from for error messages. */
    record FileItem(String text, Path file, int line) {
    }

    private ListItems() {
    }

    /**
     * Splits items again on commas and white space, keeping {@code {...}} groups whole, so that
     * both raw values and lists already split without regard to braces come out right.
     */
    static List<String> split(List<String> items) {
        return InlineTable.splitTopLevel("list", String.join(" ", items));
    }

    /** The items of a list file: white space or comma separated, {@code #} comments to end of line. */
    static List<FileItem> readFile(Path file, String item) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw TableTexts.missingFile(file, item);
        } catch (IOException e) {
            throw TableTexts.unreadableFile(file, String.valueOf(e.getMessage()));
        }
        List<FileItem> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = hash < 0 ? line : line.substring(0, hash);
            for (String text : InlineTable.splitTopLevel(file.toString(), content)) {
                out.add(new FileItem(text, file, i + 1));
            }
        }
        return out;
    }
}
