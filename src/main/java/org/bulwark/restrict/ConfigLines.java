package org.bulwark.restrict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;

/**
 * Where in main.cf a parameter is set, so that a bad restriction list is reported as Postfix
 * reports configuration errors: {@code /etc/postfix/main.cf, line 12: unknown restriction ...}.
 * The last assignment wins in main.cf, so it is the one named.
 */
final class ConfigLines {

    private ConfigLines() {
    }

    /** The same error with the file and line of {@code parameter}'s assignment, when it can be found. */
    static ConfigException locate(Config config, String parameter, ConfigException error) {
        if (error.file() != null) {
            return locateTable(config, error);
        }
        java.util.Optional<String> where = config.whereSet(parameter);
        if (where.isPresent()) {
            java.util.regex.Matcher m = WHERE.matcher(where.get());
            if (m.matches()) {
                return new ConfigException(Path.of(m.group(1)), Integer.parseInt(m.group(2)), error.getMessage());
            }
        }
        if (config.configDirectory() == null) {
            return error;
        }
        Path mainCf = config.configDirectory().resolve("main.cf");
        int line = lineOf(mainCf, parameter);
        return line > 0 ? new ConfigException(mainCf, line, error.getMessage()) : error;
    }

    /** How the configuration says where it read a parameter: {@code /etc/postfix/main.cf, line 12}. */
    private static final Pattern WHERE = Pattern.compile("(.+), line (\\d+)");

    /**
     * A table's own error (a missing or bad file) also names the main.cf line that mentions the
     * table, so the operator sees both where it is used and what is wrong with it.
     */
    static ConfigException locateTable(Config config, ConfigException error) {
        if (error.file() == null || config.configDirectory() == null) {
            return error;
        }
        Path mainCf = config.configDirectory().resolve("main.cf");
        if (error.file().equals(mainCf)) {
            return error;
        }
        int line = lineMentioning(mainCf, error.file().toString());
        return line > 0 ? new ConfigException(mainCf, line, error.getMessage()) : error;
    }

    private static int lineMentioning(Path mainCf, String text) {
        List<String> lines = read(mainCf);
        int found = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.stripLeading().startsWith("#") && line.contains(text)) {
                found = i + 1;
            }
        }
        return found;
    }

    private static List<String> read(Path mainCf) {
        try {
            return Files.readAllLines(mainCf, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    static int lineOf(Path mainCf, String parameter) {
        List<String> lines = read(mainCf);
        Pattern assignment = Pattern.compile("^" + Pattern.quote(parameter) + "\\s*=.*");
        int found = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (assignment.matcher(lines.get(i)).matches()) {
                found = i + 1;
            }
        }
        return found;
    }
}
