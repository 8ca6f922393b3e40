package org.bulwark.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.bulwark.dns.ClientNames;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.Xtext;

/**
 * XCLIENT and XFORWARD (Postfix's XCLIENT_README and XFORWARD_README), for the hosts in
 * smtpd_authorized_xclient_hosts and smtpd_authorized_xforward_hosts only. XCLIENT makes the
 * session as if the named client had connected: the session greets again and everything is judged
 * by the new facts. XFORWARD changes only what the next transaction records of its client (the
 * Received header, the queue file, the client= line); the restrictions still judge the real client.
 */
final class XclientCommands {

    /** The attributes EHLO announces, in Postfix's order. */
    static final String XCLIENT_KEYWORD = "XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT";
    static final String XFORWARD_KEYWORD = "XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT";

    private static final String UNAVAILABLE = "[UNAVAILABLE]";
    private static final String TEMPUNAVAIL = "[TEMPUNAVAIL]";
    private static final Set<String> XCLIENT_NAMES = Set.of("NAME", "REVERSE_NAME", "ADDR", "PORT", "HELO", "PROTO",
            "LOGIN", "DESTADDR", "DESTPORT");
    private static final Set<String> XFORWARD_NAMES = Set.of("NAME", "ADDR", "PORT", "PROTO", "HELO", "IDENT",
            "SOURCE");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*\\.?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]*:[0-9a-f:.]*");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private final SmtpdSettings settings;
    private final SessionState state;
    private final SessionIo io;

    XclientCommands(SmtpdSettings settings, SessionState state, SessionIo io) {
        this.settings = settings;
        this.state = state;
        this.io = io;
    }

    /** A PORT or DESTPORT value: null when not given, 0 for "[UNAVAILABLE]". */
    private static Integer port(String value) {
        return value == null ? null : value.equals(UNAVAILABLE) ? 0 : Integer.parseInt(value);
    }

    /** True when XCLIENT was accepted: the caller greets the new client. */
    boolean xclient(Command command) throws IOException {
        Map<String, String> attributes = attributes(command, "XCLIENT", settings.xclientHosts()::matches, XCLIENT_NAMES);
        if (attributes == null) {
            return false;
        }
        ClientNames names = state.clientNames();
        InetAddress address = null;
        String helo = null;
        String protocol = null;
        String login = null;
        for (String attribute : new String[] {"NAME", "REVERSE_NAME"}) {
            String v = attributes.get(attribute);
            if (v == null) {
                continue;
            }
            ClientNames.Status status = status(v);
            if (status == ClientNames.Status.OK && !HOSTNAME.matcher(v).matches()) {
                return io.fail(badSyntax(attribute, v));
            }
            String value = status == ClientNames.Status.OK ? v : ClientNames.UNKNOWN;
            if (attribute.equals("NAME")) {
                // Postfix: a name that is known is also the verified reverse name.
                names = status == ClientNames.Status.OK ? new ClientNames(value, status, value, status)
                        : new ClientNames(value, status, names.reverseName(), names.reverseStatus());
            } else {
                names = new ClientNames(names.name(), names.nameStatus(), value, status);
            }
        }
        if (attributes.containsKey("ADDR")) {
            address = address(attributes.get("ADDR"));
            if (address == null) {
                return io.fail(badSyntax("ADDR", attributes.get("ADDR")));
            }
        }
        for (String port : new String[] {"PORT", "DESTPORT"}) {
            String v = attributes.get(port);
            if (v != null && !v.equals(UNAVAILABLE) && !PORT.matcher(v).matches()) {
                return io.fail(badSyntax(port, v));
            }
        }
        String destination = attributes.get("DESTADDR");
        if (destination != null && !destination.equals(UNAVAILABLE) && address(destination) == null) {
            return io.fail(badSyntax("DESTADDR", destination));
        }
        if (attributes.containsKey("HELO")) {
            String v = attributes.get("HELO");
            if (v.length() > 255) {
                return io.fail(badSyntax("HELO", v));
            }
            helo = v.equals(UNAVAILABLE) ? null : v;
        }
        if (attributes.containsKey("PROTO")) {
            protocol = attributes.get("PROTO").toUpperCase(Locale.ROOT);
            if (!protocol.equals("SMTP") && !protocol.equals("ESMTP")) {
                return io.fail(badSyntax("PROTO", attributes.get("PROTO")));
            }
        }
        if (attributes.containsKey("LOGIN") && !attributes.get("LOGIN").equals(UNAVAILABLE)) {
            login = attributes.get("LOGIN");
        }
        state.clientReplaced(address, names, attributes.containsKey("HELO"), helo, protocol, login);
        state.xclientEndpoints(port(attributes.get("PORT")),
                destination == null ? null : destination.equals(UNAVAILABLE) ? "unknown" : destination,
                port(attributes.get("DESTPORT")));
        return true;
    }

    boolean xforward(Command command) throws IOException {
        Map<String, String> attributes = attributes(command, "XFORWARD", settings.xforwardHosts()::matches, XFORWARD_NAMES);
        if (attributes == null) {
            return false;
        }
        SessionState.Forwarded f = state.forwarded();
        String name = f.name();
        String address = f.address();
        String port = f.port();
        String protocol = f.protocol();
        String helo = f.helo();
        String ident = f.ident();
        String source = f.source();
        boolean client = f.client();
        for (var e : attributes.entrySet()) {
            String v = e.getValue();
            boolean unavailable = v.equals(UNAVAILABLE);
            switch (e.getKey()) {
                case "NAME" -> {
                    if (!unavailable && !HOSTNAME.matcher(v).matches()) {
                        return io.fail(badSyntax("NAME", v));
                    }
                    name = unavailable ? ClientNames.UNKNOWN : v;
                    client = true;
                }
                case "ADDR" -> {
                    InetAddress a = unavailable ? null : address(v);
                    if (!unavailable && a == null) {
                        return io.fail(badSyntax("ADDR", v));
                    }
                    address = a == null ? ClientNames.UNKNOWN : SmtpSession.printable(a);
                    client = true;
                }
                case "PORT" -> {
                    if (!unavailable && !PORT.matcher(v).matches()) {
                        return io.fail(badSyntax("PORT", v));
                    }
                    port = unavailable ? null : v;
                    client = true;
                }
                case "PROTO" -> {
                    if (v.length() > 64) {
                        return io.fail(badSyntax("PROTO", v));
                    }
                    protocol = unavailable ? ClientNames.UNKNOWN : v;
                    client = true;
                }
                case "HELO" -> {
                    helo = unavailable ? null : v;
                    client = true;
                }
                case "IDENT" -> ident = unavailable ? null : v;
                default -> {
                    String s = unavailable ? "LOCAL" : v.toUpperCase(Locale.ROOT);
                    if (!s.equals("LOCAL") && !s.equals("REMOTE")) {
                        return io.fail(badSyntax("SOURCE", v));
                    }
                    source = s;
                }
            }
        }
        state.forwardedClient(new SessionState.Forwarded(client, name, address, port, protocol, helo, ident, source));
        return io.respond(SmtpdTexts.XFORWARD_OK);
    }

    /** The command's attributes, decoded, or null when it was refused (the reply has gone out). */
    private Map<String, String> attributes(Command command, String verb, Predicate<InetAddress> hosts,
            Set<String> known) throws IOException {
        if (state.inTransaction()) {
            io.fail(SmtpdTexts.TRANSACTION_IN_PROGRESS);
            return null;
        }
        if (!command.hasArgument()) {
            io.fail(SmtpdTexts.attributesSyntax(verb));
            return null;
        }
        if (!hosts.test(state.clientAddress())) {
            io.fail(SmtpdTexts.INSUFFICIENT_AUTHORIZATION);
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String word : command.argument().trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq <= 0 || eq == word.length() - 1) {
                io.fail(SmtpdTexts.ATTRIBUTE_EXPECTED);
                return null;
            }
            String raw = word.substring(eq + 1);
            if (raw.length() > 255) {
                io.fail(SmtpdTexts.ATTRIBUTE_TOO_LONG);
                return null;
            }
            String name = word.substring(0, eq).toUpperCase(Locale.ROOT);
            if (!known.contains(name)) {
                io.fail(SmtpdTexts.badAttributeName(verb, word.substring(0, eq)));
                return null;
            }
            String value = Xtext.decode(raw);
            out.put(name, printable(value == null ? raw : value));
        }
        return out;
    }

    private static ClientNames.Status status(String value) {
        if (value == null || value.equalsIgnoreCase(UNAVAILABLE)) {
            return ClientNames.Status.PERMANENT;
        }
        return value.equalsIgnoreCase(TEMPUNAVAIL) ? ClientNames.Status.TEMPORARY : ClientNames.Status.OK;
    }

    /** An address literal, bare or with RFC 5321's {@code IPv6:} tag; never a name to look up. */
    private static InetAddress address(String value) {
        String v = value.regionMatches(true, 0, "IPv6:", 0, 5) ? value.substring(5) : value;
        if (!IPV4.matcher(v).matches() && !IPV6.matcher(v).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(v);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String printable(String value) {
        StringBuilder b = new StringBuilder(value.length());
        value.chars().forEach(c -> b.append(c < 32 || c > 126 ? '?' : (char) c));
        return b.toString();
    }

    private static SmtpReply badSyntax(String attribute, String value) {
        return SmtpdTexts.badAttributeSyntax(attribute, value);
    }
}
