package org.bulwark.delivery.pipe;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.config.Config;
import org.bulwark.config.ServiceEntry;
import org.bulwark.delivery.AddressKeys;
import org.bulwark.delivery.CommandProcess;
import org.bulwark.delivery.Owner;
import org.bulwark.delivery.local.PasswdFile;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.DeliveryRequest.Target;
import org.bulwark.queue.QueuedMessage;

/**
 * Postfix's pipe(8): runs the service's {@code argv=} once per request (an argument with a
 * recipient macro becomes one argument per recipient; set {@code <service>_destination_recipient_limit
 * = 1} for one run per recipient), the message on standard input per {@code flags=} and
 * {@code eol=}, within {@code <service>_time_limit} ({@code command_time_limit} by default). Exit 0
 * is {@code sent (delivered via <service> service)}; otherwise sysexits(3): EX_TEMPFAIL and a
 * signal defer, the rest bounce, and output that starts with an RFC 3463 code decides itself.
 */
public final class PipeDelivery implements DeliveryAgent {

    private static final Pattern DSN_OUTPUT = Pattern.compile("([245]\\.\\d{1,3}\\.\\d{1,3})\\s+(.*)", Pattern.DOTALL);
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    /** sysexits(3) texts, as Postfix's sys_exits.c words them. */
    private static final Map<Integer, String> SYSEXITS = Map.ofEntries(Map.entry(64, "command line usage error"),
            Map.entry(65, "data format error"), Map.entry(66, "cannot open input"), Map.entry(67, "user unknown"),
            Map.entry(68, "host name unknown"), Map.entry(69, "service unavailable"),
            Map.entry(70, "internal software error"), Map.entry(71, "system resource problem"),
            Map.entry(72, "critical OS file missing"), Map.entry(73, "can't create user output file"),
            Map.entry(74, "input/output error"), Map.entry(75, "temporary failure"),
            Map.entry(76, "remote error in protocol"), Map.entry(77, "permission denied"),
            Map.entry(78, "local configuration error"));

    private final String service;
    private final PipeCommand command;
    private final Duration timeLimit;
    private final String recipientDelimiter;
    private final Path directory;
    private final Map<String, String> environment;

    /** Reads the service's attributes; a bad one is a {@link org.bulwark.config.ConfigException} with the master.cf line. */
    public PipeDelivery(ServiceEntry entry, Config config) {
        this.service = entry.service();
        this.command = PipeCommand.parse(entry, PasswdFile.system(), Path.of("/etc/group"));
        String limit = service + "_time_limit";
        this.timeLimit = config.isSet(limit) ? config.time(limit) : config.time("command_time_limit");
        this.recipientDelimiter = config.get("recipient_delimiter");
        Path queue = Path.of(config.get("queue_directory").trim());
        this.directory = command.directory() != null ? command.directory() : Files.isDirectory(queue) ? queue : Path.of("/");
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("TZ", "LANG")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("MAIL_CONFIG", config.configDirectory().toString());
        this.environment = Map.copyOf(env);
    }

    @Override
    public String transport() {
        return service;
    }

    @Override
    public DeliveryReport deliver(DeliveryRequest request) {
        QueuedMessage message = request.message();
        List<Target> targets = request.targets();
        if (command.unknownAccount() != null) {
            // Never run: the command would otherwise run as whoever this process is.
            return all(targets, Status.DEFERRED, "4.3.0", PipeTexts.CONFIGURATION_ERROR + "; " + command.unknownAccount());
        }
        for (char flag : new char[] {'D', 'O'}) {
            if (command.has(flag) && targets.size() > 1) {
                return all(targets, Status.DEFERRED, "4.3.5", PipeTexts.CONFIGURATION_ERROR + "; "
                        + PipeTexts.needsOneRecipient(flag, service));
            }
        }
        if (command.sizeLimit() > 0 && message.contentSize() > command.sizeLimit()) {
            return all(targets, Status.BOUNCED, "5.2.3", PipeTexts.MESSAGE_TOO_LARGE);
        }
        List<String> argv = expand(request);
        String program = argv.get(0);
        if (message.envelope().probe()) {
            // A verify(8) probe: pipe(8) reports what it would run, and runs nothing.
            return all(targets, Status.SENT, "2.0.0", org.bulwark.delivery.DeliveryTexts.deliversToCommand(program));
        }
        Owner runAs = Owner.of(command.uid(), command.gid());
        if (!CommandProcess.canRunAs(runAs)) {
            return all(targets, Status.DEFERRED, "4.3.0", PipeTexts.privilegesUnavailable(command.userName()));
        }
        CommandProcess.Exit exit;
        try {
            exit = CommandProcess.run(argv, environment, runAs, directory, out -> writeMessage(message, targets, out),
                    timeLimit);
        } catch (IOException e) {
            return all(targets, Status.DEFERRED, "4.3.0", PipeTexts.cannotRun(program, String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryReport(List.of()); // stopping: the queue manager keeps the message
        }
        return result(targets, exit, program);
    }

    /** Postfix's pipe_command.c reading of how the command ended. */
    private DeliveryReport result(List<Target> targets, CommandProcess.Exit exit, String program) {
        String output = exit.output();
        if (exit.timedOut()) {
            return all(targets, Status.BOUNCED, "5.3.0", PipeTexts.timeLimitExceeded(program, output));
        }
        int status = exit.status();
        if (status == 0) {
            return all(targets, Status.SENT, "2.0.0", PipeTexts.deliveredVia(service, output));
        }
        if (status > 128) {
            return all(targets, Status.DEFERRED, "4.3.0", PipeTexts.diedWithSignal(status - 128, program, output));
        }
        Matcher coded = DSN_OUTPUT.matcher(output);
        if (coded.matches()) {
            return all(targets, coded.group(1).startsWith("4") ? Status.DEFERRED : Status.BOUNCED, coded.group(1),
                    coded.group(2));
        }
        String dsn = CommandProcess.dsnOf(status);
        Status outcome = dsn.startsWith("4") ? Status.DEFERRED : Status.BOUNCED;
        String text = SYSEXITS.containsKey(status) ? PipeTexts.withOutput(SYSEXITS.get(status), output)
                : PipeTexts.diedWithStatus(status, program, output);
        return all(targets, outcome, dsn, text);
    }

    /** argv= with its macros expanded; an argument with a recipient macro repeats per recipient. */
    List<String> expand(DeliveryRequest request) {
        List<String> out = new ArrayList<>();
        for (String arg : command.argv()) {
            if (usesRecipient(arg)) {
                for (Target t : request.targets()) {
                    out.add(substitute(arg, request, t));
                }
            } else {
                out.add(substitute(arg, request, null));
            }
        }
        return out;
    }

    private static boolean usesRecipient(String arg) {
        Matcher m = PipeCommand.MACRO.matcher(arg);
        while (m.find()) {
            if (PipeCommand.RECIPIENT_MACROS.contains(m.group(1) != null ? m.group(1) : m.group(2))) {
                return true;
            }
        }
        return false;
    }

    private String substitute(String arg, DeliveryRequest request, Target target) {
        Matcher m = PipeCommand.MACRO.matcher(arg);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(b, Matcher.quoteReplacement(value(name, request, target)));
        }
        m.appendTail(b);
        return b.toString();
    }

    private String value(String name, DeliveryRequest request, Target target) {
        QueuedMessage message = request.message();
        MailAddress sender = message.envelope().sender();
        boolean lowerHost = command.has('h');
        boolean lowerUser = command.has('u');
        return switch (name) {
            case "sender" -> sender.isNullSender() ? command.nullSender() : sender.internal();
            case "nexthop" -> lowerHost ? request.nexthop().toLowerCase(Locale.ROOT) : request.nexthop();
            case "size" -> Long.toString(message.contentSize());
            case "queue_id" -> message.id().toString();
            default -> recipientValue(name, target.address(), target, lowerUser, lowerHost);
        };
    }

    private String recipientValue(String name, MailAddress address, Target target, boolean lowerUser, boolean lowerHost) {
        String local = lowerUser ? address.localPart().toLowerCase(Locale.ROOT) : address.localPart();
        String domain = address.domain() == null ? "" : lowerHost ? address.domain().toLowerCase(Locale.ROOT) : address.domain();
        String user = AddressKeys.stripExtension(local, recipientDelimiter);
        return switch (name) {
            case "recipient" -> domain.isEmpty() ? local : local + "@" + domain;
            case "mailbox" -> local;
            case "user" -> user;
            case "extension" -> local.length() > user.length() ? local.substring(user.length() + 1) : "";
            case "domain" -> domain;
            case "original_recipient" -> {
                String orcpt = target.recipient().recipient().originalRecipient();
                if (orcpt == null || orcpt.isEmpty()) {
                    yield domain.isEmpty() ? local : local + "@" + domain;
                }
                int semi = orcpt.indexOf(';');
                yield semi >= 0 ? orcpt.substring(semi + 1) : orcpt;
            }
            default -> throw new IllegalStateException("macro checked at load: " + name);
        };
    }

    /** The message as flags= and eol= ask: F, R, D, O headers first, then the lines with > and . quoting. */
    private void writeMessage(QueuedMessage message, List<Target> targets, OutputStream out) throws IOException {
        MailAddress sender = message.envelope().sender();
        byte[] eol = command.eol().getBytes(StandardCharsets.US_ASCII);
        List<String> head = new ArrayList<>();
        if (command.has('F')) {
            head.add("From " + (sender.isNullSender() ? "MAILER-DAEMON" : sender.internal()) + "  "
                    + CTIME.format(Instant.now().atZone(ZoneId.systemDefault())));
        }
        if (command.has('R')) {
            head.add("Return-Path: <" + sender.external() + ">");
        }
        if (command.has('D')) {
            head.add("Delivered-To: " + targets.get(0).address().external());
        }
        if (command.has('O')) {
            String orcpt = targets.get(0).recipient().recipient().originalRecipient();
            int semi = orcpt == null ? -1 : orcpt.indexOf(';');
            head.add("X-Original-To: " + (orcpt == null || orcpt.isEmpty()
                    ? targets.get(0).recipient().recipient().address().external()
                    : semi >= 0 ? orcpt.substring(semi + 1) : orcpt));
        }
        for (String h : head) {
            out.write(h.getBytes(StandardCharsets.UTF_8));
            out.write(eol);
        }
        boolean quoteFrom = command.has('>');
        boolean stuffDots = command.has('.');
        try (InputStream in = new BufferedInputStream(message.openContent(), 16 * 1024)) {
            boolean lineStart = true;
            byte[] from = "From ".getBytes(StandardCharsets.US_ASCII);
            int b;
            while ((b = in.read()) >= 0) {
                if (lineStart) {
                    if (stuffDots && b == '.') {
                        out.write('.');
                    }
                    if (quoteFrom && b == 'F') {
                        in.mark(8);
                        byte[] rest = in.readNBytes(4);
                        in.reset();
                        if (rest.length == 4 && rest[0] == from[1] && rest[1] == from[2] && rest[2] == from[3]
                                && rest[3] == from[4]) {
                            out.write('>');
                        }
                    }
                }
                if (b == '\n') {
                    out.write(eol);
                    lineStart = true;
                } else {
                    out.write(b);
                    lineStart = false;
                }
            }
            if (!lineStart) {
                out.write(eol);
            }
        }
        if (command.has('B')) {
            out.write(eol);
        }
        out.flush();
    }

    private DeliveryReport all(List<Target> targets, Status status, String dsn, String text) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            outcomes.add(new Outcome(t, status, service, dsn, text));
        }
        return new DeliveryReport(outcomes);
    }
}
