package org.bulwark.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bulwark.config.LogicalLines;

/**
 * Readers of the text formats that are not postmap(1) source: aliases(5)
 * ({@code name: target, target}) and the passwd(5) file behind {@code unix:passwd.byname}.
 */
final class AliasesSource {

    private AliasesSource() {
    }

    /**
     * aliases(5): the name (possibly quoted, folded to lower case) before the first colon outside
     * quotes, and as value the raw target list, {@code :include:/file} entries included, which
     * local(8) interprets at delivery time.
     */
    static MapTable read(String spec, Path file) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (LogicalLines.Line line : SourceLines.read(file, spec)) {
            String text = line.text();
            int colon = nameEnd(text);
            if (colon < 0) {
                throw TableTexts.badLine(file, line.number(), text, "expected format: name: target, target");
            }
            String name = unquote(text.substring(0, colon).strip());
            String targets = text.substring(colon + 1).strip();
            if (name.isEmpty() || targets.isEmpty()) {
                throw TableTexts.badLine(file, line.number(), text, "expected format: name: target, target");
            }
            entries.putIfAbsent(name.toLowerCase(Locale.ROOT), targets);
        }
        return new MapTable(spec, entries);
    }

    private static int nameEnd(String text) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** The internal form of a quoted local part: {@code "a b"} becomes {@code a b}. */
    private static String unquote(String name) {
        if (name.indexOf('"') < 0) {
            return name;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 1 < name.length()) {
                out.append(name.charAt(++i));
            } else if (c != '"') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** passwd(5): the user name is the key, the whole line the value (like getpwnam(3) as text). */
    static MapTable readPasswd(String spec, Path file) {
        Map<String, String> entries = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    entries.putIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), line);
                }
            }
        } catch (NoSuchFileException e) {
            throw TableTexts.missingFile(file, spec);
        } catch (IOException e) {
            throw TableTexts.unreadableFile(file, String.valueOf(e.getMessage()));
        }
        return new MapTable(spec, entries);
    }
}
