package org.bulwark.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.mail.MailAddress;
import org.bulwark.pickup.MaildropFile;
import org.bulwark.queue.MailQueue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Unmatched;

/**
 * {@code bulwark sendmail}: the sendmail(1) interface of Postfix. The message goes to the
 * maildrop directory, so it can be submitted while the server is down; pickup queues it.
 * Exit codes are sendmail's (sysexits.h).
 */
@Command(name = "sendmail", description = "Submit a message, as sendmail does.",
        modelTransformer = SendmailCommand.KeepDoubleDash.class)
final class SendmailCommand implements Callable<Integer> {

    /** sendmail's own parser must see {@code --}: after it, {@code -x} is a recipient, not an option. */
    static final class KeepDoubleDash implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            spec.parser().endOfOptionsDelimiter("\u0000");
            return spec;
        }
    }

    static final int EX_OK = 0;
    static final int EX_USAGE = 64;
    static final int EX_NOINPUT = 66;
    static final int EX_TEMPFAIL = 75;

    static final String NO_RECIPIENTS =
            "Recipient addresses must be specified on the command line or via the -t option";
    static final String USAGE =
            "usage: sendmail [-f sender] [-F fullname] [-t] [-i] [-bm | -bp | -bs] [--] [recipient ...]";
    static final String BAD_ADDRESS = "bad address: ";

    @Mixin
    ConfigDirectory configDirectory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** sendmail's options are not picocli's: single-dash words like -oi and -bm; parsed below. */
    @Unmatched
    List<String> arguments = new ArrayList<>();

    /** What the command line asks for. */
    record Request(String sender, String fullName, boolean extract, boolean ignoreDots, boolean listQueue,
            List<String> recipients, boolean smtpDialogue) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Request request;
        try {
            request = parse(arguments);
        } catch (IllegalArgumentException e) {
            err.println("bulwark: fatal: " + e.getMessage());
            err.flush();
            return EX_USAGE;
        }
        Config config = ConfigLoader.load(configDirectory.resolve()).main();
        if (request.listQueue()) {
            return MailqListing.print(config, spec.commandLine().getOut());
        }
        if (request.smtpDialogue()) {
            return smtpDialogue(config, err);
        }
        if (request.recipients().isEmpty() && !request.extract()) {
            err.println("bulwark: fatal: " + NO_RECIPIENTS);
            err.flush();
            return EX_USAGE;
        }
        return submit(config, request, System.in, err);
    }

    static Request parse(List<String> args) {
        String sender = null;
        String fullName = null;
        boolean extract = false;
        boolean ignoreDots = false;
        boolean listQueue = false;
        boolean smtpDialogue = false;
        List<String> recipients = new ArrayList<>();
        boolean options = true;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!options || !a.startsWith("-") || a.equals("-")) {
                recipients.add(a);
                continue;
            }
            switch (a) {
                case "--" -> options = false;
                case "-t" -> extract = true;
                case "-i", "-oi" -> ignoreDots = true;
                case "-bm" -> {
                    listQueue = false;
                    smtpDialogue = false;
                }
                case "-bp" -> listQueue = true;
                case "-bs" -> smtpDialogue = true;
                case "-f", "-r" -> sender = argument(args, ++i);
                case "-F" -> fullName = argument(args, ++i);
                // Accepted for compatibility and ignored, as Postfix ignores them.
                case "-v", "-n", "-U", "-G" -> { }
                case "-N", "-R", "-B", "-L", "-O", "-V", "-X", "-C", "-q" -> argument(args, ++i);
                default -> {
                    if (a.startsWith("-f") || a.startsWith("-r")) {
                        sender = a.substring(2);
                    } else if (a.startsWith("-F")) {
                        fullName = a.substring(2);
                    } else if (a.startsWith("-o") || a.startsWith("-N") || a.startsWith("-R") || a.startsWith("-B")
                            || a.startsWith("-L") || a.startsWith("-O") || a.startsWith("-V") || a.startsWith("-q")) {
                        // -oX options and attached arguments are ignored.
                    } else {
                        throw new IllegalArgumentException(USAGE);
                    }
                }
            }
        }
        return new Request(sender, fullName, extract, ignoreDots, listQueue, recipients, smtpDialogue);
    }

    private static String argument(List<String> args, int i) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(USAGE);
        }
        return args.get(i);
    }

    private static int submit(Config config, Request request, InputStream stdin, PrintWriter err) throws IOException {
        Path maildrop = Path.of(config.get("queue_directory")).resolve("maildrop");
        Path temporary;
        try {
            // The queue directory exists once the server has run; before that, make it as the server would.
            maildrop = MailQueue.open(Path.of(config.get("queue_directory"))).maildrop();
            temporary = MaildropWriter.createTemporary(maildrop);
        } catch (IOException e) {
            err.println("bulwark: fatal: cannot create file in " + maildrop + ": " + e.getMessage());
            err.flush();
            return EX_TEMPFAIL;
        }
        try {
            String user = submittingUser(temporary);
            String sender = request.sender() != null ? request.sender() : defaultSender(user, config);
            MaildropFile envelope = new MaildropFile(MaildropWriter.ownerUid(temporary), user,
                    checked(MailAddress.of(stripBrackets(sender)).internal()),
                    request.fullName() == null ? null : request.fullName().replaceAll("[\r\n]", " "),
                    request.extract(), request.recipients().stream().map(r -> checked(stripBrackets(r))).toList());
            InputStream in = new BufferedInputStream(stdin);
            MaildropWriter.write(temporary, envelope, out -> MaildropWriter.copyInput(in, out, request.ignoreDots()));
            return EX_OK;
        } catch (IllegalArgumentException e) {
            Files.deleteIfExists(temporary);
            err.println("bulwark: fatal: " + e.getMessage());
            err.flush();
            return EX_USAGE;
        } catch (MaildropWriter.InputFailure e) {
            err.println("bulwark: fatal: error reading input: " + e.getMessage());
            err.flush();
            return EX_NOINPUT;
        } catch (IOException e) {
            err.println("bulwark: fatal: cannot write to " + maildrop + ": " + e.getMessage());
            err.flush();
            return EX_TEMPFAIL;
        }
    }

    /** {@code -bs}: SMTP on standard input and output; each message goes into maildrop/ like any other. */
    private static int smtpDialogue(Config config, PrintWriter err) throws IOException {
        Path maildrop;
        try {
            maildrop = MailQueue.open(Path.of(config.get("queue_directory"))).maildrop();
        } catch (IOException e) {
            err.println("bulwark: fatal: cannot open " + config.get("queue_directory") + ": " + e.getMessage());
            err.flush();
            return EX_TEMPFAIL;
        }
        String user = System.getenv("USER");
        if (user == null || user.isBlank()) {
            user = System.getProperty("user.name", "unknown");
        }
        new SmtpSubmission(maildrop, user.trim(), config.get("myhostname"), config.get("smtpd_banner"),
                config.size("message_size_limit"), new BufferedInputStream(System.in),
                System.out).run();
        return EX_OK;
    }

    /** The login name as sendmail finds it: {@code USER}, else the name of the file owner's uid. */
    private static String submittingUser(Path ownedFile) {
        String user = System.getenv("USER");
        return user != null && !user.isBlank() ? user.trim() : MaildropWriter.ownerName(ownedFile);
    }

    private static String defaultSender(String user, Config config) {
        String myorigin = config.get("myorigin");
        return myorigin.isEmpty() ? user : user + "@" + myorigin;
    }

    /** {@code <alice@example.test>} on a command line means the address inside. */
    private static String stripBrackets(String address) {
        String a = address.trim();
        return a.startsWith("<") && a.endsWith(">") ? a.substring(1, a.length() - 1) : a;
    }

    private static String checked(String address) {
        if (address.indexOf('\n') >= 0 || address.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(BAD_ADDRESS + address.replaceAll("[\r\n]", " "));
        }
        return address;
    }
}
