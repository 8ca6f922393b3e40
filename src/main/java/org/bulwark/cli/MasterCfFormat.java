package org.bulwark.cli;

import java.util.Map;
import org.bulwark.config.ServiceEntry;

/** master.cf entries as {@code postconf -M} and {@code -F} print them. */
final class MasterCfFormat {

    private MasterCfFormat() {
    }

    /** One service on one line, columns padded as Postfix pads them, -o overrides included. */
    static String entry(ServiceEntry s) {
        StringBuilder line = new StringBuilder(String.format("%-9s %-5s %-7s %-7s %-7s %-7s %-7s %s",
                s.service(), s.type(), s.privateFlag(), s.unprivileged(), s.chroot(), s.wakeup(), s.maxproc(), s.command()));
        for (Map.Entry<String, String> o : s.overrides().entrySet()) {
            line.append(" -o ").append(o.getKey()).append('=').append(o.getValue());
        }
        for (String arg : s.args()) {
            line.append(' ').append(arg);
        }
        return line.append('\n').toString();
    }

    /** Every field as {@code service/type/field = value}. */
    static String fields(ServiceEntry s) {
        String prefix = s.service() + "/" + s.type() + "/";
        StringBuilder out = new StringBuilder();
        out.append(prefix).append("service = ").append(s.service()).append('\n');
        out.append(prefix).append("type = ").append(s.type()).append('\n');
        out.append(prefix).append("private = ").append(s.privateFlag()).append('\n');
        out.append(prefix).append("unprivileged = ").append(s.unprivileged()).append('\n');
        out.append(prefix).append("chroot = ").append(s.chroot()).append('\n');
        out.append(prefix).append("wakeup = ").append(s.wakeup()).append('\n');
        out.append(prefix).append("process_limit = ").append(s.maxproc()).append('\n');
        StringBuilder command = new StringBuilder(s.command());
        s.overrides().forEach((k, v) -> command.append(" -o ").append(k).append('=').append(v));
        s.args().forEach(a -> command.append(' ').append(a));
        out.append(prefix).append("command = ").append(command).append('\n');
        return out.toString();
    }
}
