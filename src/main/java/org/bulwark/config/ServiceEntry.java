package org.bulwark.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One master.cf service line with Postfix's columns:
 * {@code service type private unpriv chroot wakeup maxproc command + args}, where {@code -o
 * name=value} arguments became {@code overrides} and the rest stay in {@code args}.
 * A {@code -} column is kept as "-" (meaning: the default).
 */
public record ServiceEntry(
        String service,
        String type,
        String privateFlag,
        String unprivileged,
        String chroot,
        String wakeup,
        String maxproc,
        String command,
        List<String> args,
        Map<String, String> overrides,
        Path file,
        int line) {

    public ServiceEntry {
        args = List.copyOf(args);
        overrides = Map.copyOf(overrides);
    }
}
