package org.bulwark.delivery.pipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ServiceEntry;
import org.bulwark.delivery.local.PasswdFile;

/**
 * A master.cf pipe service's attributes, as pipe(8) reads them:
 * {@code flags=DRhu user=vmail[:group] size=N eol=\r\n directory=/path null_sender=x argv=/cmd args...},
 * with {@code argv=} last. Checked once, at load: a missing or root {@code user=}, an unknown flag,
 * attribute or macro stops the server with the master.cf line. An account that does not exist
 * does not: Debian's stock master.cf names {@code user=vmail} for maildrop whether or not the
 * account exists, and Postfix starts with it; mail routed to such a service is deferred
 * ({@code unknownAccount} says why) until the account is made.
 */
record PipeCommand(String flags, String userName, long uid, long gid, List<String> argv, long sizeLimit, String eol,
        Path directory, String nullSender, String unknownAccount) {

    static final Pattern MACRO = Pattern.compile("\\$\\{([a-z_]+)}|\\$([a-z_]+)");
    /** Macros whose value differs per recipient: an argument with one becomes one argument per recipient. */
    static final Set<String> RECIPIENT_MACROS = Set.of("recipient", "user", "extension", "mailbox", "domain",
            "original_recipient");
    private static final Set<String> OTHER_MACROS = Set.of("sender", "nexthop", "size", "queue_id");
    private static final String FLAGS = "BDFORXhqu.>";

    PipeCommand {
        argv = List.copyOf(argv);
    }

    boolean has(char flag) {
        return flags.indexOf(flag) >= 0;
    }

    static PipeCommand parse(ServiceEntry entry, PasswdFile passwd, Path groupFile) {
        String flags = "";
        String user = null;
        long size = 0;
        String eol = "\n";
        Path directory = null;
        String nullSender = "MAILER-DAEMON";
        List<String> argv = new ArrayList<>();
        List<String> args = entry.args();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? "" : arg.substring(eq + 1);
            switch (name) {
                case "flags" -> flags = value;
                case "user" -> user = value;
                case "size" -> {
                    try {
                        size = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw error(entry, PipeTexts.badSize(value));
                    }
                }
                case "eol" -> eol = value.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
                case "directory" -> directory = Path.of(value);
                case "null_sender" -> nullSender = value;
                case "argv" -> {
                    if (!value.isEmpty()) {
                        argv.add(value);
                    }
                    argv.addAll(args.subList(i + 1, args.size()));
                    i = args.size();
                }
                default -> throw error(entry, PipeTexts.unknownAttribute(arg));
            }
        }
        if (argv.isEmpty()) {
            throw error(entry, PipeTexts.MISSING_ARGV);
        }
        if (user == null || user.isEmpty()) {
            throw error(entry, PipeTexts.MISSING_USER);
        }
        for (char c : flags.toCharArray()) {
            if (FLAGS.indexOf(c) < 0) {
                throw error(entry, PipeTexts.unknownFlag(c));
            }
        }
        for (String a : argv) {
            Matcher m = MACRO.matcher(a);
            while (m.find()) {
                String macro = m.group(1) != null ? m.group(1) : m.group(2);
                if (!RECIPIENT_MACROS.contains(macro) && !OTHER_MACROS.contains(macro)) {
                    throw error(entry, PipeTexts.unknownMacro(macro));
                }
            }
        }
        String spec = user;
        int colon = spec.indexOf(':');
        String account = colon < 0 ? spec : spec.substring(0, colon);
        Optional<PasswdFile.Entry> found;
        Optional<Long> gid;
        try {
            found = passwd.find(account);
            gid = colon < 0 ? found.map(PasswdFile.Entry::gid) : group(groupFile, spec.substring(colon + 1));
        } catch (IOException e) {
            found = Optional.empty();
            gid = Optional.empty();
        }
        if (found.isEmpty() || gid.isEmpty()) {
            return new PipeCommand(flags, account, -1, -1, argv, size, eol, directory, nullSender,
                    PipeTexts.unknownUser(spec));
        }
        if (found.get().uid() == 0 || gid.get() == 0) {
            throw error(entry, PipeTexts.ROOT_USER);
        }
        return new PipeCommand(flags, account, found.get().uid(), gid.get(), argv, size, eol, directory, nullSender, null);
    }

    /** A group's id from an /etc/group file (name:x:gid:members). */
    private static Optional<Long> group(Path file, String name) throws IOException {
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[0].equals(name)) {
                try {
                    return Optional.of(Long.parseLong(f[2]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static ConfigException error(ServiceEntry entry, String message) {
        return new ConfigException(entry.file(), entry.line(), message);
    }
}
