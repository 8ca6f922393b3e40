package org.bulwark.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code postconf -e}: changes parameters in main.cf in place, as Postfix does. A parameter's
 * logical line (with its continuation lines) is replaced where it stands; comments, blank lines
 * and every other line stay as they are; a parameter not yet in the file is appended. The new file
 * replaces the old one atomically, so a crash never leaves half a main.cf.
 */
public final class MainCfEditor {

    private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Za-z0-9_.-]+)\\s*=");

    private MainCfEditor() {
    }

    /** Parses {@code name=value} arguments; a missing {@code =} is the operator's mistake. */
    public static Map<String, String> parseAssignments(List<String> arguments) {
        Map<String, String> changes = new LinkedHashMap<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(ConfigTexts.editNeedsAssignment(argument));
            }
            changes.put(argument.substring(0, eq).strip(), argument.substring(eq + 1).strip());
        }
        return changes;
    }

    public static void apply(Path mainCf, Map<String, String> changes) throws IOException {
        List<String> lines = Files.exists(mainCf) ? Files.readAllLines(mainCf, StandardCharsets.UTF_8) : List.of();
        Map<String, String> pending = new LinkedHashMap<>(changes);
        List<String> out = new ArrayList<>(lines.size() + changes.size());
        boolean skippingContinuation = false;
        for (String line : lines) {
            boolean continuation = !line.isEmpty() && Character.isWhitespace(line.charAt(0)) && !line.isBlank();
            if (skippingContinuation && continuation) {
                continue;
            }
            skippingContinuation = false;
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.find() && pending.containsKey(m.group(1))) {
                out.add(assignment(m.group(1), pending.remove(m.group(1))));
                skippingContinuation = true;
                continue;
            }
            if (m.find(0) && changes.containsKey(m.group(1))) {
                // A later duplicate of a parameter already rewritten above: drop it, or it would win.
                skippingContinuation = true;
                continue;
            }
            out.add(line);
        }
        pending.forEach((name, value) -> out.add(assignment(name, value)));
        Path temporary = mainCf.resolveSibling(mainCf.getFileName() + ".tmp");
        Files.write(temporary, out, StandardCharsets.UTF_8);
        Files.move(temporary, mainCf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String assignment(String name, String value) {
        return value.isEmpty() ? name + " =" : name + " = " + value;
    }
}
