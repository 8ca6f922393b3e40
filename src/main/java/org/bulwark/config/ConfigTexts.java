package org.bulwark.config;

import java.nio.file.Path;

/** Every text the configuration shows the operator, worded once, here. */
final class ConfigTexts {

    private ConfigTexts() {
    }

    static String missingMainCf(Path file) {
        return "no such file; create it (an empty file gives Postfix's defaults)"
                + " or use -c DIR to name the configuration directory";
    }

    static String unreadable(String reason) {
        return "cannot read: " + reason;
    }

    static String notUtf8() {
        return "not valid UTF-8; save the file as UTF-8";
    }

    static String missingEquals(String text) {
        return "missing '=' after parameter name: \"" + text + "\"; write name = value,"
                + " or indent the line to continue the one before";
    }

    static String badName(String name) {
        return "bad parameter name \"" + name + "\": use letters, digits and _";
    }

    static String overriding(String name, String value) {
        return "overriding earlier entry: " + name + "=" + value;
    }

    static String addressMappingsAtDelivery() {
        return "receive_override_options: without a content_filter, no_address_mappings only turns off always_bcc,"
                + " sender_bcc_maps and recipient_bcc_maps: Bulwark maps addresses (virtual_alias_maps, aliases) when"
                + " it delivers, never when it receives; with a content_filter they are mapped once, after the"
                + " filtered mail comes back";
    }

    /** A line Bulwark does not act on and that loses nothing: why. */
    static String ignored(String name, String why) {
        return name + " is ignored: " + why;
    }

    /** A line that would change what mail is accepted, filtered or where it goes: refused. */
    static String notImplemented(String name, String why, String instead) {
        return name + " is not implemented by Bulwark: " + why + ". " + sentence(instead);
    }

    static String restrictionNotImplemented(String name, String parameter, String why, String instead) {
        return "restriction " + name + " in " + parameter + " is not implemented by Bulwark: " + why + ". "
                + sentence(instead);
    }

    static String commandIgnored(String service, String command, String why) {
        return "service " + service + " runs " + command + ", which is ignored: " + why;
    }

    static String commandNotImplemented(String service, String command, String why, String instead) {
        return "service " + service + " runs " + command + ", which is not implemented by Bulwark: " + why + ". "
                + sentence(instead);
    }

    static String routedToMissingAgent(String parameter, ServiceEntry service, String instead) {
        return parameter + " routes mail to " + service.service() + ", whose master.cf service ("
                + service.file() + ", line " + service.line() + ") runs "
                + service.command() + ", which is not implemented by Bulwark: this mail would stay in the queue. "
                + sentence(instead);
    }

    static String routedAnyway(String instead) {
        return "mail routed to it is refused at load: " + instead;
    }

    static String badMyhostname(String host) {
        String what = host.isEmpty() ? "myhostname is empty"
                : "myhostname = " + host + ": not a fully-qualified domain name";
        return what + "; it names this system in the SMTP greeting, HELO, Received: headers and the log, and mail"
                + " to it is local. Set it to the host's name in DNS, e.g. myhostname = mail.example.org,"
                + " or remove the line to use this host's name";
    }

    static String emptyMydomain() {
        return "mydomain is empty; it completes localhost.$mydomain in mydestination and myorigin's default."
                + " Set it, e.g. mydomain = example.org, or remove the line to use myhostname minus its first label";
    }

    private static String sentence(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    static String unused(String name, String value) {
        return "unused parameter: " + name + "=" + value;
    }

    static String originFileUnreadable(String path, String hostname) {
        return "myorigin = " + path + ": no domain on the file's first line (missing or unreadable);"
                + " mail from this system uses $myhostname (" + hostname + ") instead;"
                + " write the domain on the first line of " + path;
    }

    static String undefined(String name) {
        return "undefined parameter: " + name + "; $" + name + " expands to nothing; define " + name
                + " in main.cf";
    }

    static String nonBreakingSpace() {
        return "non-breaking space (U+00A0) read as a plain space; replace it with a space";
    }

    static String unindentedContinuation(String name) {
        return "line does not start with white space; read as a continuation of " + name
                + " because the line before ends with a comma; indent it";
    }

    static String badValue(String name, String value, ParameterType type) {
        String what = switch (type) {
            case INTEGER -> "not a whole number; write e.g. 100";
            case SIZE -> "not a number of bytes; write e.g. 10240000";
            case TIME -> "not a time; write a number with an optional unit s, m, h, d or w, e.g. 300s";
            case BOOLEAN -> "not a boolean; write yes or no";
            case LIST -> "unbalanced { }; close every { with }";
            case STRING -> "not a valid value";
        };
        return name + " = " + value + ": " + what;
    }

    static String notAChoice(String name, String value, java.util.List<String> choices) {
        String list = String.join(", ", choices.stream().map(c -> c.isEmpty() ? "(empty)" : c).toList());
        return name + " = " + value + ": not one of: " + list;
    }

    static String badNetwork(String name, String item, String reason) {
        return name + ": bad network \"" + item + "\": " + reason + "; write e.g. 192.0.2.0/24 or [2001:db8::]/32";
    }

    static String expansionLoop(String chain) {
        return "parameter expansion loop: " + chain + "; remove one of these $name references";
    }

    static String expansionTooDeep(String name) {
        return "parameter expansion of " + name + " nests too deeply; check its $name references";
    }

    static String unclosedReference(String name, String value) {
        return name + " = " + value + ": unclosed ${ or $( in a $name reference";
    }

    static String masterColumns(int found) {
        return "wrong number of fields (" + found + "): a service needs at least 8:"
                + " service type private unpriv chroot wakeup maxproc command";
    }

    static String masterType(String type) {
        return "unknown service type \"" + type + "\": use inet, unix, unix-dgram, fifo or pass";
    }

    static String masterFlag(String column, String value) {
        return "bad " + column + " field \"" + value + "\": use y, n or -";
    }

    static String masterNumber(String column, String value) {
        return "bad " + column + " field \"" + value + "\": use a number or -";
    }

    static String masterOption(String text) {
        return "bad -o option \"" + text + "\": write -o name=value or -o { name = value }";
    }

    static String masterServiceName(String service) {
        return "bad service name \"" + service + "\": use name, port, host:port or [ipv6]:port";
    }

    static String masterDuplicate(String service, String type) {
        return "duplicate service " + service + "/" + type + "; each name and type may appear once";
    }

    static String editNeedsAssignment(String argument) {
        return "\"" + argument + "\": -e needs name=value";
    }

    static String secretReadableByOthers(String parameter, Path file, String mode) {
        return parameter + " = " + file + ": the file is readable or writable by others, or writable by its group (" + mode
                + "), so any account on this machine could read or replace the secret in it; refusing to use it."
                + " Fix: chmod 600 " + file + " (owned by the user the server runs as), or chmod 640 to share"
                + " it with its group";
    }
}
