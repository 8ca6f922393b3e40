package org.bulwark.table;

import java.nio.file.Path;
import org.bulwark.config.ConfigException;

/** Every text an operator sees from this package, worded once: configuration errors about tables and lists. */
final class TableTexts {

    static final String SUPPORTED_TYPES =
            "texthash, hash, btree, lmdb, dbm, cdb, sdbm, cidr, pcre, regexp, inline, static, unix, proxy";

    private TableTexts() {
    }

    static ConfigException unknownType(String type, String spec) {
        return new ConfigException("unknown table type \"" + type + "\" in \"" + spec + "\"; supported: "
                + SUPPORTED_TYPES);
    }

    static ConfigException badSpec(String spec) {
        return new ConfigException("bad table \"" + spec + "\": expected type:name, e.g. texthash:/etc/postfix/virtual");
    }

    static ConfigException missingFile(Path file, String spec) {
        return new ConfigException(file, 0, "table file not found (for \"" + spec + "\")");
    }

    static ConfigException unreadableFile(Path file, String reason) {
        return new ConfigException(file, 0, "cannot read table file: " + reason);
    }

    static ConfigException badLine(Path file, int line, String text, String expected) {
        return new ConfigException(file, line, "bad line: \"" + text + "\": " + expected);
    }

    static ConfigException badInline(String spec, String expected) {
        return new ConfigException("bad table \"" + spec + "\": " + expected);
    }

    static ConfigException unknownPasswdMap(String spec) {
        return new ConfigException("unknown unix table \"" + spec + "\"; supported: unix:passwd.byname");
    }

    static ConfigException badNetwork(Path file, int line, String item, String reason) {
        return new ConfigException(file, line, "bad network pattern \"" + item + "\": " + reason);
    }

    static ConfigException badInterface(String parameter, String item) {
        return new ConfigException(parameter + ": cannot find address of \"" + item
                + "\"; use an IP address, localhost, loopback-only or all");
    }
}
