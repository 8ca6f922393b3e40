package org.bulwark.delivery.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.bulwark.config.Config;
import org.bulwark.delivery.DeliveryFailure;
import org.bulwark.delivery.DeliveryTexts;
import org.bulwark.delivery.Maildir;
import org.bulwark.delivery.Mbox;
import org.bulwark.delivery.Owner;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.table.AddressClass;
import org.bulwark.table.DomainClassifier;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * Postfix's local(8): a recipient's local part is looked up in {@code alias_maps} and expanded
 * (addresses, {@code :include:} files, {@code /files}, {@code |commands}); a name that is no alias
 * is a system account, delivered per {@code home_mailbox} or to its mbox in
 * {@code mail_spool_directory}. Runs as root in production so files get their owners; commands
 * and files named in aliases are never written or run with root's privileges beyond file creation.
 */
public final class LocalDelivery implements DeliveryAgent {

    static final String RELAY = "local";

    private final List<LookupTable> aliasMaps;
    private final Function<String, AddressClass> classifier;
    private final PasswdFile passwd;
    private final Forwarder forwarder;
    private final Maildir maildir;
    private final Mbox mbox;
    private final CommandRunner commands;
    private final String homeMailbox;
    private final String mailboxCommand;
    private final Path mailSpoolDirectory;
    private final String recipientDelimiter;
    private final Set<String> allowFiles;
    private final Set<String> allowCommands;
    private final String defaultPrivs;
    private final String mailboxTransport;
    private final String myorigin;
    private final Function<String, DeliveryAgent> transports;

    /** Production wiring without forwarding: remote alias targets are deferred. */
    public LocalDelivery(Config config) {
        this(config, null);
    }

    /** Production wiring; {@code forwarder} may be {@code null}, which defers remote alias targets. */
    public LocalDelivery(Config config, Forwarder forwarder) {
        this(config, forwarder, transport -> null);
    }

    /**
     * Production wiring with the other delivery agents by master.cf service name, for
     * {@code mailbox_transport} (e.g. {@code lmtp:unix:private/dovecot-lmtp}).
     */
    public LocalDelivery(Config config, Forwarder forwarder, Function<String, DeliveryAgent> transports) {
        this(config, LookupTables::openAliases, new DomainClassifier(config)::classify, PasswdFile.system(), forwarder,
                transports);
    }

    /**
     * @param aliasOpener opens alias tables, as {@link LookupTables#openAliases} does
     * @param classifier  the address class of a domain, to tell local alias targets from remote ones
     */
    public LocalDelivery(Config config, BiFunction<String, Path, LookupTable> aliasOpener,
            Function<String, AddressClass> classifier, PasswdFile passwd, Forwarder forwarder) {
        this(config, aliasOpener, classifier, passwd, forwarder, transport -> null);
    }

    /** @param transports the delivery agents by master.cf service name, for {@code mailbox_transport} */
    public LocalDelivery(Config config, BiFunction<String, Path, LookupTable> aliasOpener,
            Function<String, AddressClass> classifier, PasswdFile passwd, Forwarder forwarder,
            Function<String, DeliveryAgent> transports) {
        this.transports = transports;
        this.mailboxTransport = config.get("mailbox_transport").strip();
        this.myorigin = config.get("myorigin").strip();
        List<LookupTable> maps = new ArrayList<>();
        for (String spec : config.list("alias_maps")) {
            maps.add(aliasOpener.apply(spec, config.configDirectory()));
        }
        this.aliasMaps = List.copyOf(maps);
        this.classifier = classifier;
        this.passwd = passwd;
        this.forwarder = forwarder;
        this.maildir = new Maildir(config.get("myhostname"));
        this.mbox = new Mbox(config.size("mailbox_size_limit"));
        this.commands = new CommandRunner(config.time("command_time_limit"));
        this.homeMailbox = config.get("home_mailbox").strip();
        // Unexpanded: its $USER, $HOME, $RECIPIENT... are the delivery's, given to the shell as
        // environment variables, not main.cf parameters.
        this.mailboxCommand = config.raw("mailbox_command").strip();
        this.mailSpoolDirectory = Path.of(config.get("mail_spool_directory").strip());
        this.recipientDelimiter = config.get("recipient_delimiter");
        this.allowFiles = classes(config.list("allow_mail_to_files"));
        this.allowCommands = classes(config.list("allow_mail_to_commands"));
        this.defaultPrivs = config.get("default_privs").strip();
    }

    @Override
    public String transport() {
        return RELAY;
    }

    @Override
    public DeliveryReport deliver(DeliveryRequest request) {
        List<DeliveryReport.Outcome> outcomes = new ArrayList<>(request.targets().size());
        for (DeliveryRequest.Target target : request.targets()) {
            outcomes.add(new AliasExpansion(this, request.message(), target, request.nexthop()).run());
        }
        return new DeliveryReport(outcomes);
    }

    // ---- the pieces AliasExpansion puts together ----

    /** The alias targets of a name, trying it with its extension first, then without. */
    Optional<String> lookupAlias(String name) throws DeliveryFailure {
        String bare = stripExtension(name);
        try {
            for (String key : bare.equals(name) ? List.of(name) : List.of(name, bare)) {
                for (LookupTable table : aliasMaps) {
                    Optional<String> value = table.find(key);
                    if (value.isPresent()) {
                        return value;
                    }
                }
            }
        } catch (RuntimeException tableFailure) {
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.tableFailed(aliasMaps.get(0).spec()));
        }
        return Optional.empty();
    }

    boolean isLocalDomain(String domain) {
        return domain == null || classifier.apply(domain.toLowerCase(Locale.ROOT)) == AddressClass.LOCAL;
    }

    String stripExtension(String local) {
        return org.bulwark.delivery.AddressKeys.stripExtension(local, recipientDelimiter);
    }

    /** A system account by name; an unknown name bounces, as local(8)'s "unknown user". */
    PasswdFile.Entry user(String name) throws DeliveryFailure {
        return account(name).orElseThrow(() -> new DeliveryFailure("5.1.1", DeliveryTexts.unknownUser(name)));
    }

    /**
     * The targets in the user's .forward file, per Postfix's default forward_path
     * ({@code $home/.forward${recipient_delimiter}${extension}, $home/.forward}); empty if there is
     * none. A file the user does not own, or a symbolic link, is ignored as local(8) ignores it.
     */
    Optional<String> readForward(PasswdFile.Entry user, String extension) throws DeliveryFailure {
        List<Path> candidates = new ArrayList<>();
        if (!extension.isEmpty() && !recipientDelimiter.isEmpty()) {
            candidates.add(user.home().resolve(".forward" + recipientDelimiter.charAt(0) + extension));
        }
        candidates.add(user.home().resolve(".forward"));
        for (Path file : candidates) {
            try {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (Owner.runningAsRoot()
                        && ((Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)) != user.uid()) {
                    continue;
                }
                List<String> lines = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.strip();
                    if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                        lines.add(trimmed);
                    }
                }
                return Optional.of(String.join(",", lines));
            } catch (IOException e) {
                throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.includeFailed(file.toString(), String.valueOf(e.getMessage())));
            }
        }
        return Optional.empty();
    }

    /** Whether mailbox delivery is handed to {@code mailbox_transport}, known user or not. */
    boolean passesMailboxes() {
        return !mailboxTransport.isEmpty();
    }

    /** The address a local name is handed on as: the recipient itself, or name@$myorigin for an alias target. */
    MailAddress qualified(String name) {
        return new MailAddress(name, myorigin);
    }

    /**
     * local(8)'s hand-off to {@code mailbox_transport} (deliver_pass): the named agent delivers
     * this one address, and its outcome (relay, status, text) becomes this target's.
     */
    DeliveryReport.Outcome passToMailboxTransport(DeliveryRequest.Target target, QueuedMessage message,
            MailAddress address, String requestNexthop) {
        int colon = mailboxTransport.indexOf(':');
        String transport = colon < 0 ? mailboxTransport : mailboxTransport.substring(0, colon);
        String nexthop = colon < 0 || colon == mailboxTransport.length() - 1 ? requestNexthop
                : mailboxTransport.substring(colon + 1);
        DeliveryAgent agent = transports.apply(transport);
        DeliveryRequest.Target passed = new DeliveryRequest.Target(target.recipient(), address);
        if (agent == null || agent == this) {
            return new DeliveryReport.Outcome(passed, DeliveryReport.Status.DEFERRED, RELAY, "4.3.0",
                    DeliveryTexts.mailboxTransportUnavailable(transport));
        }
        List<DeliveryReport.Outcome> outcomes = agent.deliver(new DeliveryRequest(message, nexthop, List.of(passed)))
                .outcomes();
        return outcomes.isEmpty() ? new DeliveryReport.Outcome(passed, DeliveryReport.Status.DEFERRED, RELAY, "4.3.0",
                DeliveryTexts.mailboxTransportUnavailable(transport)) : outcomes.get(0);
    }

    /** Delivers to a system account's mailbox per home_mailbox or mail_spool_directory. */
    String deliverToMailbox(PasswdFile.Entry user, QueuedMessage message, MailAddress recipient) throws DeliveryFailure {
        if (message.envelope().probe()) {
            // A verify(8) probe: the account exists; say where mail would go, write nothing.
            return !mailboxCommand.isEmpty() ? DeliveryTexts.deliversToCommand(mailboxCommand)
                    : !homeMailbox.isEmpty() && homeMailbox.endsWith("/") ? DeliveryTexts.DELIVERS_TO_MAILDIR
                    : DeliveryTexts.DELIVERS_TO_MAILBOX;
        }
        if (!mailboxCommand.isEmpty()) {
            // local(8): mailbox_command comes before home_mailbox, runs as the recipient, and
            // never as root (default_privs instead).
            Owner runAs = actingAs(user.uid() == 0 ? null : user);
            Path home = Files.isDirectory(user.home()) ? user.home() : Path.of("/");
            commands.run(mailboxCommand, message, recipient,
                    environment(message, recipient, Optional.of(user), home), runAs, home);
            return DeliveryTexts.deliveredToCommand(mailboxCommand);
        }
        Owner owner = Owner.of(user.uid(), user.gid());
        if (homeMailbox.isEmpty()) {
            mbox.deliver(mailSpoolDirectory.resolve(user.name()), message, recipient, owner);
            return DeliveryTexts.DELIVERED_TO_MAILBOX;
        }
        Path path = user.home().resolve(homeMailbox);
        if (homeMailbox.endsWith("/")) {
            maildir.deliver(path, message, recipient, owner);
            return DeliveryTexts.DELIVERED_TO_MAILDIR;
        }
        mbox.deliver(path, message, recipient, owner);
        return DeliveryTexts.DELIVERED_TO_MAILBOX;
    }

    /**
     * A {@code /file} or {@code /directory/} target (an mbox file or a Maildir), written for
     * {@code privileges} (a .forward's user), or default_privs when {@code null}.
     */
    String deliverToFile(String path, Origin origin, PasswdFile.Entry privileges, QueuedMessage message,
            MailAddress recipient) throws DeliveryFailure {
        if (!allowFiles.contains(origin.configName())) {
            throw new DeliveryFailure("5.7.1", DeliveryTexts.FILE_RESTRICTED);
        }
        if (message.envelope().probe()) {
            return path.endsWith("/") ? DeliveryTexts.DELIVERS_TO_MAILDIR : DeliveryTexts.deliversToFile(path);
        }
        Owner owner = actingAs(privileges);
        if (path.endsWith("/")) {
            maildir.deliver(Path.of(path), message, recipient, owner);
            return DeliveryTexts.DELIVERED_TO_MAILDIR;
        }
        mbox.deliver(Path.of(path), message, recipient, owner);
        return DeliveryTexts.deliveredToFile(path);
    }

    /** A {@code |command} target, run with {@code privileges}' rights (default_privs when {@code null}) under root. */
    String deliverToCommand(String command, Origin origin, PasswdFile.Entry privileges, QueuedMessage message,
            MailAddress recipient) throws DeliveryFailure {
        if (!allowCommands.contains(origin.configName())) {
            throw new DeliveryFailure("5.7.1", DeliveryTexts.COMMAND_RESTRICTED);
        }
        if (message.envelope().probe()) {
            return DeliveryTexts.deliversToCommand(command);
        }
        Owner runAs = actingAs(privileges);
        Optional<PasswdFile.Entry> user = privileges != null ? Optional.of(privileges) : account(defaultPrivs);
        Path home = user.map(PasswdFile.Entry::home).filter(Files::isDirectory).orElse(Path.of("/"));
        commands.run(command, message, recipient, environment(message, recipient, user, home), runAs, home);
        return DeliveryTexts.deliveredToCommand(command);
    }

    /** Whom to act as: the given account, or default_privs; the server's own user when not root. */
    Owner actingAs(PasswdFile.Entry privileges) throws DeliveryFailure {
        if (!Owner.runningAsRoot()) {
            return Owner.CURRENT;
        }
        PasswdFile.Entry account = privileges != null ? privileges : account(defaultPrivs).orElseThrow(
                () -> DeliveryFailure.temporary("4.3.0", DeliveryTexts.privilegesUnavailable(defaultPrivs)));
        return Owner.of(account.uid(), account.gid());
    }

    String forward(QueuedMessage message, MailAddress deliveredTo, List<MailAddress> recipients) throws DeliveryFailure {
        if (message.envelope().probe()) {
            // A probe stops at the alias: the addresses it leads to are not probed in turn.
            return DeliveryTexts.forwardsTo(String.join(", ",
                    recipients.stream().map(r -> "<" + r.external() + ">").toList()));
        }
        if (forwarder == null) {
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.FORWARDING_UNAVAILABLE);
        }
        try {
            return DeliveryTexts.forwardedAs(forwarder.forward(message, deliveredTo, recipients).value());
        } catch (IOException | RuntimeException e) {
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.forwardingFailed(String.valueOf(e.getMessage())));
        }
    }

    Optional<PasswdFile.Entry> account(String name) throws DeliveryFailure {
        try {
            return passwd.find(name);
        } catch (IOException e) {
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.tableFailed("passwd"));
        }
    }

    /** local(8) "EXTERNAL COMMAND DELIVERY": the variables a command may rely on. */
    private Map<String, String> environment(QueuedMessage message, MailAddress recipient,
            Optional<PasswdFile.Entry> user, Path home) {
        Map<String, String> env = new HashMap<>();
        String local = recipient.localPart().toLowerCase(Locale.ROOT);
        String bare = stripExtension(local);
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("LOGNAME", user.map(PasswdFile.Entry::name).orElse(defaultPrivs));
        env.put("USER", user.map(PasswdFile.Entry::name).orElse(defaultPrivs));
        env.put("SHELL", "/bin/sh");
        env.put("SENDER", message.envelope().sender().internal());
        env.put("RECIPIENT", recipient.internal());
        env.put("LOCAL", local);
        env.put("DOMAIN", recipient.domain() == null ? "" : recipient.domain());
        env.put("EXTENSION", bare.length() < local.length() ? local.substring(bare.length() + 1) : "");
        env.put("QUEUE_ID", message.id().value());
        return env;
    }

    private static Set<String> classes(List<String> items) {
        Set<String> set = new HashSet<>();
        items.forEach(item -> set.add(item.toLowerCase(Locale.ROOT)));
        return set;
    }

    /** Where a target came from, for allow_mail_to_files and allow_mail_to_commands. */
    enum Origin {
        ALIAS("alias"), INCLUDE("include"), FORWARD("forward");

        private final String configName;

        Origin(String configName) {
            this.configName = configName;
        }

        String configName() {
            return configName;
        }
    }
}
