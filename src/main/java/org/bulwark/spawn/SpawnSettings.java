package org.bulwark.spawn;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ServiceEntry;

/**
 * One master.cf spawn line read as spawn(8) reads it:
 * {@code policy-spf unix - n n - 0 spawn user=nobody argv=/usr/bin/perl /usr/sbin/postfix-policyd-spf-perl}.
 *
 * @param endpoint where clients connect: a UNIX socket under the queue directory, or for an inet
 *        line the address and port its name gives
 * @param command the command as master.cf writes it (argv= and what follows)
 * @param launch what is executed: {@code command}, behind setpriv when it runs as another user
 * @param maxproc the most commands running at once; 0 for no limit
 */
record SpawnSettings(String service, SocketAddress endpoint, List<String> command, List<String> launch, Duration timeLimit,
        Map<String, String> environment, int maxproc) {

    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    SpawnSettings {
        command = List.copyOf(command);
        launch = List.copyOf(launch);
        environment = Map.copyOf(environment);
    }

    /** The executable, for log lines ({@code command /usr/bin/perl exit status 1}). */
    String program() {
        return command.get(0);
    }

    /**
     * @param endpoint where the service listens: {@link #socketOf} for a unix line, one of the
     *        inet line's addresses for an inet line
     * @throws ConfigException with master.cf's file and line for a line spawn(8) would refuse
     */
    static SpawnSettings of(ServiceEntry entry, Config config, SocketAddress endpoint) {
        return of(entry, config, endpoint, Account.currentUid());
    }

    /** @param serverUid the user id the server runs as: 0 may run commands as any user, others only as themselves */
    static SpawnSettings of(ServiceEntry entry, Config config, SocketAddress endpoint, int serverUid) {
        String user = null;
        List<String> command = null;
        for (int i = 0; i < entry.args().size(); i++) {
            String arg = entry.args().get(i);
            String lower = arg.toLowerCase(Locale.ROOT);
            if (lower.startsWith("user=")) {
                user = arg.substring("user=".length());
            } else if (lower.startsWith("argv=")) {
                command = new ArrayList<>();
                String first = arg.substring("argv=".length());
                if (!first.isEmpty()) {
                    command.add(unbraced(first));
                }
                for (String rest : entry.args().subList(i + 1, entry.args().size())) {
                    command.add(unbraced(rest));
                }
                break;
            } else {
                throw error(entry, SpawnTexts.unknownAttribute(arg));
            }
        }
        if (user == null || user.isEmpty()) {
            throw error(entry, SpawnTexts.missingUser());
        }
        if (command == null || command.isEmpty()) {
            throw error(entry, SpawnTexts.missingArgv());
        }
        Path program = Path.of(command.get(0));
        if (program.isAbsolute() && !Files.isExecutable(program)) {
            throw error(entry, SpawnTexts.notExecutable(command.get(0)));
        }
        checkScript(entry, command);
        return new SpawnSettings(entry.service(), endpoint, command,
                launch(entry, user, command, serverUid), timeLimit(entry, config), environment(config), maxproc(entry, config));
    }

    /**
     * An interpreter's script that is not there would fail on every connection, each time with
     * a temporary error to the client; the guides' /usr/local/bin path for the SPF policy server
     * is where a hand install puts it, not where Debian's package does.
     */
    private static void checkScript(ServiceEntry entry, List<String> command) {
        if (command.size() < 2 || !INTERPRETER.matcher(Path.of(command.get(0)).getFileName().toString()).matches()) {
            return;
        }
        String script = command.get(1); // with options first (sh -c ...) there may be no script
        if (script.startsWith("/") && !script.contains(" ") && !Files.exists(Path.of(script))) {
            Path path = Path.of(script);
            Path packaged = Path.of("/usr/sbin").resolve(path.getFileName());
            throw error(entry, SpawnTexts.missingScript(command.get(0), script,
                    Files.isExecutable(packaged) ? packaged.toString() : null));
        }
    }

    private static final java.util.regex.Pattern INTERPRETER =
            java.util.regex.Pattern.compile("(perl|python|ruby|sh|bash|dash)[0-9.]*");

    /** Postfix 3.0's master.cf {@code { an argument with spaces }}: the braces and the space inside them go. */
    private static String unbraced(String arg) {
        return arg.startsWith("{") && arg.endsWith("}") ? arg.substring(1, arg.length() - 1).strip() : arg;
    }

    /**
     * Postfix's places for a unix service: private/ (the default) or public/, by the private
     * column; a name with a slash is a path under the queue directory.
     */
    static UnixDomainSocketAddress socketOf(ServiceEntry entry, Path queueDirectory) {
        if (entry.service().indexOf('/') >= 0) {
            return UnixDomainSocketAddress.of(queueDirectory.resolve(entry.service()));
        }
        String directory = entry.privateFlag().equals("n") ? "public" : "private";
        return UnixDomainSocketAddress.of(queueDirectory.resolve(directory).resolve(entry.service()));
    }

    /**
     * The command, run as {@code user}. As root the switch goes through setpriv(1): it makes the
     * setgid/setgroups/setuid calls and execs, and nothing else: no PAM, no login environment
     * (runuser goes through PAM and resets the environment), and it takes the numeric ids that
     * user=name:group resolves to. Supplementary groups are cleared, as
     * Postfix's set_ugid() leaves the command only the one group. Without root privileges the
     * command can run only as the server's own user.
     */
    private static List<String> launch(ServiceEntry entry, String user, List<String> command, int self) {
        String name = user;
        String group = null;
        int colon = user.indexOf(':');
        if (colon >= 0) {
            name = user.substring(0, colon);
            group = colon + 1 < user.length() ? user.substring(colon + 1) : null;
        }
        Account account = Account.byName(name).orElseThrow(() -> error(entry, SpawnTexts.unknownUser(user)));
        int gid = account.gid();
        if (group != null) {
            String g = group;
            gid = Account.groupId(group).orElseThrow(() -> error(entry, SpawnTexts.unknownGroup(g)));
        }
        if (account.uid() == 0 || gid == 0) {
            throw error(entry, SpawnTexts.privileged(user));
        }
        if (self != 0) {
            if (account.uid() != self) {
                throw error(entry, SpawnTexts.notRoot(user, Account.nameOf(self)));
            }
            return command;
        }
        Path setpriv = SETPRIV.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> error(entry, SpawnTexts.notExecutable("setpriv (util-linux)")));
        List<String> launch = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + account.uid(),
                "--regid=" + gid, "--clear-groups", "--"));
        launch.addAll(command);
        return launch;
    }

    /** {@code <service>_time_limit}, by default {@code $command_time_limit}, as spawn(8). */
    private static Duration timeLimit(ServiceEntry entry, Config config) {
        String name = entry.service() + "_time_limit";
        if (!config.isSet(name)) {
            return config.time("command_time_limit");
        }
        try {
            Duration limit = config.time(name);
            if (limit.isZero() || limit.isNegative()) {
                throw new ConfigException(SpawnTexts.badTimeLimit(name, config.get(name)));
            }
            return limit;
        } catch (ConfigException e) {
            String message = SpawnTexts.badTimeLimit(name, config.get(name));
            Optional<String> where = config.whereSet(name);
            if (where.isPresent() && !entry.overrides().containsKey(name)) {
                throw new ConfigException(where.get() + ": " + message);
            }
            throw error(entry, message);
        }
    }

    /**
     * Only export_environment reaches the command (Postfix's default: TZ MAIL_CONFIG LANG), each
     * either {@code NAME} (this process's value, if it has one) or {@code NAME=value}; and
     * MAIL_CONFIG names this configuration, as Postfix's master sets it for its children.
     */
    private static Map<String, String> environment(Config config) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String item : config.list("export_environment")) {
            String text = unbraced(item);
            int eq = text.indexOf('=');
            if (eq > 0) {
                environment.put(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
            } else if (System.getenv(text) != null) {
                environment.put(text, System.getenv(text));
            }
        }
        if (config.configDirectory() != null) {
            environment.put("MAIL_CONFIG", config.configDirectory().toString());
        }
        return environment;
    }

    private static int maxproc(ServiceEntry entry, Config config) {
        return entry.maxproc().equals("-") ? config.integer("default_process_limit") : Integer.parseInt(entry.maxproc());
    }

    static ConfigException error(ServiceEntry entry, String message) {
        return new ConfigException(entry.file(), entry.line(), message);
    }
}
