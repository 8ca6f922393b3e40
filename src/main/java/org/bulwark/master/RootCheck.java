package org.bulwark.master;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.bulwark.config.ConfigException;
import org.bulwark.config.LoadedConfig;
import org.bulwark.config.ServiceEntry;

/**
 * Running as root. A bug in a network daemon that runs as root hands the whole machine to whoever
 * finds it, so with a listener that other machines can reach the daemon refuses root unless the
 * operator says {@code --allow-root}. Listening on loopback only, it warns once and runs, so that a
 * development checkout started by root keeps working.
 */
final class RootCheck {

    private static final Path STATUS = Path.of("/proc/self/status");

    private RootCheck() {
    }

    /** Whether this process's effective user is root; where /proc is missing, the user name decides. */
    static boolean runningAsRoot() {
        OptionalLong uid = effectiveUid(STATUS);
        return uid.isPresent() ? uid.getAsLong() == 0 : "root".equals(System.getProperty("user.name"));
    }

    /** The effective UID from a {@code /proc/PID/status} file ({@code Uid: real effective saved fs}). */
    static OptionalLong effectiveUid(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return ids.length > 1 ? OptionalLong.of(Long.parseLong(ids[1])) : OptionalLong.empty();
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or an unexpected format: the caller falls back to the user name.
        }
        return OptionalLong.empty();
    }

    /**
     * @param root whether the process runs as root
     * @return the warning to log once, or empty when there is nothing to say
     * @throws ConfigException when running as root with a listener off loopback and without
     *         {@code --allow-root}
     */
    static Optional<String> check(LoadedConfig loaded, boolean root, boolean allowRoot) {
        if (!root) {
            return Optional.empty();
        }
        List<String> exposed = exposedListeners(loaded);
        if (exposed.isEmpty()) {
            return Optional.of(MasterTexts.rootOnLoopback());
        }
        if (!allowRoot) {
            throw new ConfigException(MasterTexts.rootRefused(exposed));
        }
        return Optional.of(MasterTexts.rootAllowed(exposed));
    }

    /** Every smtpd or spawn listener not on a loopback address (a wildcard address counts), with its master.cf line. */
    static List<String> exposedListeners(LoadedConfig loaded) {
        List<String> exposed = new ArrayList<>();
        for (ServiceEntry service : loaded.services()) {
            boolean listener = service.command().equals("smtpd") || service.command().equals("spawn");
            if (!listener || !service.type().equals("inet")) {
                continue;
            }
            for (InetSocketAddress address : ListenAddresses.of(service, loaded.main().with(service.overrides()))) {
                if (!address.getAddress().isLoopbackAddress()) {
                    exposed.add(address.getAddress().getHostAddress() + ":" + address.getPort() + " (" + service.file()
                            + ", line " + service.line() + ")");
                }
            }
        }
        return exposed;
    }
}
