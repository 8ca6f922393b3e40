package org.bulwark.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Postfix's logical lines (readlline(3)), the structure main.cf, master.cf and the text sources of
 * lookup tables share: blank lines and lines whose first non-blank character is {@code #} are
 * skipped; a line that starts with white space continues the logical line before it. A {@code #}
 * later in a line is text, as in Postfix.
 */
public final class LogicalLines {

    /** One logical line and the number of the physical line it starts on. */
    public record Line(String text, int number) {
    }

    /** Where readers differ: what a line that starts with white space but has nothing to continue means. */
    public interface Orphans {
        /**
         * Called for a continuation line with no logical line before it; returning normally reads
         * it as a line of its own, as Postfix's main.cf reader does, throwing refuses the file.
         */
        void found(int number, String text);
    }

    private static final char NO_BREAK_SPACE = '\u00a0';
    private static final Pattern ASSIGNMENT = Pattern.compile("^[^\\s=]+\\s*=.*", Pattern.DOTALL);

    private LogicalLines() {
    }

    /**
     * Reads main.cf or master.cf into logical lines.
     *
     * @param forgiveUnindented main.cf only: a line without {@code name =} that follows a line
     *                          ending with a comma (or an empty value) continues it, with a warning;
     *                          guides on the web often lose the indentation of restriction lists
     */
    static List<Line> read(Path file, boolean forgiveUnindented, List<String> warnings) {
        return join(physicalLines(file, warnings), (number, text) -> { }, (number, logical, previous, text) -> {
            if (forgiveUnindented && !ASSIGNMENT.matcher(text).matches()
                    && (previous.endsWith(",") || previous.endsWith("="))) {
                warnings.add(where(file, number) + ConfigTexts.unindentedContinuation(nameOf(logical)));
                return true;
            }
            return false;
        });
    }

    /** Joins physical lines (numbered from 1) into logical lines. */
    public static List<Line> join(List<String> physical, Orphans orphans) {
        return join(physical, orphans, (number, logical, previous, text) -> false);
    }

    /** Whether an unindented line continues the logical line before it after all. */
    private interface Unindented {
        boolean continues(int number, StringBuilder logical, String previousPhysical, String text);
    }

    private static List<Line> join(List<String> physical, Orphans orphans, Unindented unindented) {
        List<Line> lines = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        String previousPhysical = "";
        for (int n = 1; n <= physical.size(); n++) {
            String text = physical.get(n - 1);
            String stripped = text.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            boolean continues = Character.isWhitespace(text.charAt(0));
            if (!continues && current != null) {
                continues = unindented.continues(n, current, previousPhysical, text);
            }
            if (continues && current != null) {
                current.append(' ').append(stripped);
            } else {
                if (continues) {
                    orphans.found(n, stripped);
                }
                if (current != null) {
                    lines.add(new Line(current.toString(), start));
                }
                current = new StringBuilder(stripped);
                start = n;
            }
            previousPhysical = stripped;
        }
        if (current != null) {
            lines.add(new Line(current.toString(), start));
        }
        return lines;
    }

    static String where(Path file, int line) {
        return file + ", line " + line + ": ";
    }

    private static String nameOf(StringBuilder line) {
        int eq = line.indexOf("=");
        return (eq < 0 ? line.toString() : line.substring(0, eq)).strip();
    }

    private static List<String> physicalLines(Path file, List<String> warnings) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, ConfigTexts.unreadable("no such file"));
        } catch (IOException e) {
            throw new ConfigException(file, 0, ConfigTexts.unreadable(e.getClass().getSimpleName()));
        }
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int from = 0;
        int number = 1;
        while (from <= bytes.length) {
            int to = from;
            while (to < bytes.length && bytes[to] != '\n') {
                to++;
            }
            if (to == bytes.length && from == to) {
                break;
            }
            String line;
            try {
                line = decoder.decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
            } catch (CharacterCodingException e) {
                throw new ConfigException(file, number, ConfigTexts.notUtf8());
            }
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.indexOf(NO_BREAK_SPACE) >= 0) {
                // Text copied from a web page carries U+00A0 where the author typed a space.
                warnings.add(where(file, number) + ConfigTexts.nonBreakingSpace());
                line = line.replace(NO_BREAK_SPACE, ' ');
            }
            lines.add(line);
            from = to + 1;
            number++;
        }
        return lines;
    }
}
