package org.bulwark.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * master.cf as master(5) describes it: {@code service type private unpriv chroot wakeup maxproc
 * command args...}, continuation lines, comments, and {@code -o name=value} or (Postfix 3.0)
 * {@code -o { name = value }} overrides.
 */
final class MasterCf {

    private static final Set<String> TYPES = Set.of("inet", "unix", "unix-dgram", "fifo", "pass");
    private static final Pattern FLAG = Pattern.compile("[yn-]");
    private static final Pattern WAKEUP = Pattern.compile("-|\\d+\\??");
    private static final Pattern MAXPROC = Pattern.compile("-|\\d+");
    private static final Pattern SERVICE = Pattern.compile("(\\[[0-9A-Fa-f:.]+]:|[^\\s:\\[\\]]+:)?[^\\s:\\[\\]]+");

    private MasterCf() {
    }

    static List<ServiceEntry> parse(Path file, List<String> warnings) {
        List<ServiceEntry> services = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (LogicalLines.Line line : LogicalLines.read(file, false, warnings)) {
            ServiceEntry entry = entry(file, line);
            if (!seen.add(entry.service() + "/" + entry.type())) {
                throw new ConfigException(file, line.number(), ConfigTexts.masterDuplicate(entry.service(), entry.type()));
            }
            services.add(entry);
        }
        return services;
    }

    private static ServiceEntry entry(Path file, LogicalLines.Line line) {
        List<String> fields = Values.split(line.text(), " \t").orElseThrow(
                () -> new ConfigException(file, line.number(), ConfigTexts.masterOption(line.text())));
        if (fields.size() < 8) {
            throw new ConfigException(file, line.number(), ConfigTexts.masterColumns(fields.size()));
        }
        String service = fields.get(0);
        String type = fields.get(1);
        if (!TYPES.contains(type)) {
            throw new ConfigException(file, line.number(), ConfigTexts.masterType(type));
        }
        if (type.equals("inet") && (!SERVICE.matcher(service).matches() || InetService.parse(service).isEmpty())) {
            throw new ConfigException(file, line.number(), ConfigTexts.masterServiceName(service));
        }
        String[] flagNames = {"private", "unpriv", "chroot"};
        for (int i = 0; i < 3; i++) {
            if (!FLAG.matcher(fields.get(2 + i)).matches()) {
                throw new ConfigException(file, line.number(), ConfigTexts.masterFlag(flagNames[i], fields.get(2 + i)));
            }
        }
        if (!WAKEUP.matcher(fields.get(5)).matches()) {
            throw new ConfigException(file, line.number(), ConfigTexts.masterNumber("wakeup", fields.get(5)));
        }
        if (!MAXPROC.matcher(fields.get(6)).matches()) {
            throw new ConfigException(file, line.number(), ConfigTexts.masterNumber("maxproc", fields.get(6)));
        }
        List<String> args = new ArrayList<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> rest = fields.subList(8, fields.size());
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (arg.equals("-o") || arg.startsWith("-o") && arg.length() > 2) {
                String option = arg.equals("-o") ? (i + 1 < rest.size() ? rest.get(++i) : "") : arg.substring(2);
                addOverride(file, line.number(), option, overrides);
            } else {
                args.add(arg);
            }
        }
        return new ServiceEntry(service, type, fields.get(2), fields.get(3), fields.get(4), fields.get(5),
                fields.get(6), fields.get(7), args, overrides, file, line.number());
    }

    private static void addOverride(Path file, int line, String option, Map<String, String> overrides) {
        String text = option.strip();
        if (text.startsWith("{") && text.endsWith("}")) {
            text = text.substring(1, text.length() - 1).strip();
        }
        int eq = text.indexOf('=');
        String name = eq < 0 ? "" : text.substring(0, eq).strip();
        if (name.isEmpty() || !name.chars().allMatch(c -> Expander.isNameChar((char) c) || c == '-' || c == '.')) {
            throw new ConfigException(file, line, ConfigTexts.masterOption(option));
        }
        overrides.put(name, text.substring(eq + 1).strip());
    }

    /** The services Bulwark runs when there is no master.cf: Postfix's stock master.cf, without chroot. */
    static List<ServiceEntry> defaults(Path file) {
        String[][] rows = {
            {"smtp", "inet", "n", "-", "n", "-", "-", "smtpd"},
            {"pickup", "unix", "n", "-", "n", "60", "1", "pickup"},
            {"cleanup", "unix", "n", "-", "n", "-", "0", "cleanup"},
            {"qmgr", "unix", "n", "-", "n", "300", "1", "qmgr"},
            {"rewrite", "unix", "-", "-", "n", "-", "-", "trivial-rewrite"},
            {"bounce", "unix", "-", "-", "n", "-", "0", "bounce"},
            {"defer", "unix", "-", "-", "n", "-", "0", "bounce"},
            {"trace", "unix", "-", "-", "n", "-", "0", "bounce"},
            {"anvil", "unix", "-", "-", "n", "-", "1", "anvil"},
            {"smtp", "unix", "-", "-", "n", "-", "-", "smtp"},
            {"relay", "unix", "-", "-", "n", "-", "-", "smtp"},
            {"error", "unix", "-", "-", "n", "-", "-", "error"},
            {"retry", "unix", "-", "-", "n", "-", "-", "error"},
            {"discard", "unix", "-", "-", "n", "-", "-", "discard"},
            {"local", "unix", "-", "n", "n", "-", "-", "local"},
            {"virtual", "unix", "-", "n", "n", "-", "-", "virtual"},
            {"lmtp", "unix", "-", "-", "n", "-", "-", "lmtp"},
        };
        List<ServiceEntry> services = new ArrayList<>();
        for (String[] r : rows) {
            services.add(new ServiceEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], List.of(), Map.of(), file, 0));
        }
        return services;
    }
}
