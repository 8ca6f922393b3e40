package org.bulwark.delivery.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bulwark.delivery.DeliveredTo;
import org.bulwark.delivery.DeliveryFailure;
import org.bulwark.delivery.DeliveryTexts;
import org.bulwark.delivery.local.LocalDelivery.Origin;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.QueuedMessage;

/**
 * One recipient's way through local(8): alias expansion into a tree of targets, each delivered
 * once (a duplicate filter, as Postfix's), then one outcome for the recipient: deferred if any
 * part must be retried, else bounced if any part bounced, else sent.
 */
final class AliasExpansion {

    /** How deep aliases may nest before local(8) calls it a loop. */
    static final int NESTING_LIMIT = 100;
    /** Postfix's duplicate_filter_limit: past it, duplicates are no longer suppressed. */
    static final int DUPLICATE_LIMIT = 1000;

    /** @param relay {@code local}, or the relay of the agent mailbox_transport handed the mail to */
    private record Result(Status status, String dsn, String text, String relay) {
        Result(Status status, String dsn, String text) {
            this(status, dsn, text, LocalDelivery.RELAY);
        }
    }

    private final LocalDelivery agent;
    private final QueuedMessage message;
    private final DeliveryRequest.Target target;
    private final MailAddress recipient;
    private final List<Result> results = new ArrayList<>();
    private final Set<String> delivered = new HashSet<>();
    private final Set<MailAddress> remote = new LinkedHashSet<>();
    private final Set<String> forwarded = new HashSet<>();
    private final String nexthop;

    /** @param nexthop the request's, which a mailbox_transport without a nexthop of its own keeps */
    AliasExpansion(LocalDelivery agent, QueuedMessage message, DeliveryRequest.Target target, String nexthop) {
        this.agent = agent;
        this.nexthop = nexthop;
        this.message = message;
        this.target = target;
        this.recipient = target.address();
    }

    Outcome run() {
        try {
            if (DeliveredTo.alreadyDeliveredTo(message, recipient)) {
                return new Outcome(target, Status.BOUNCED, LocalDelivery.RELAY, "5.4.6",
                        DeliveryTexts.forwardingLoop(recipient.external()));
            }
        } catch (IOException e) {
            return new Outcome(target, Status.DEFERRED, LocalDelivery.RELAY, "4.3.0",
                    DeliveryTexts.queueFileUnreadable(reason(e)));
        }
        expandName(recipient.localPart().toLowerCase(Locale.ROOT), List.of(), 0);
        if (!remote.isEmpty()) {
            attempt(() -> agent.forward(message, recipient, List.copyOf(remote)));
        }
        return outcome();
    }

    /** A local name: its alias if it has one (and is not being expanded already), else an account. */
    private void expandName(String name, List<String> chain, int depth) {
        if (depth > NESTING_LIMIT) {
            results.add(new Result(Status.BOUNCED, "5.4.6", DeliveryTexts.forwardingLoop(recipient.external())));
            return;
        }
        try {
            // An alias that lists its own name means that account (aliases(5)).
            Optional<String> alias = chain.contains(name) ? Optional.empty() : agent.lookupAlias(name);
            if (alias.isPresent()) {
                for (String item : split(alias.get())) {
                    expandItem(item, Origin.ALIAS, append(chain, name), depth + 1, null);
                }
                return;
            }
            String user = agent.stripExtension(name);
            String extension = name.length() > user.length() ? name.substring(user.length() + 1) : "";
            if (agent.passesMailboxes()) {
                // local(8): mailbox_transport takes every local name, in the passwd file or not;
                // a known user's .forward still comes first.
                Optional<PasswdFile.Entry> known = agent.account(user);
                if (known.isPresent() && forwardTo(known.get(), user, extension, name, chain, depth)) {
                    return;
                }
                pass(depth == 0 ? recipient : agent.qualified(name));
                return;
            }
            PasswdFile.Entry account = agent.user(user);
            if (forwardTo(account, user, extension, name, chain, depth)) {
                return;
            }
            mailbox(account);
        } catch (DeliveryFailure failure) {
            results.add(failed(failure));
        }
    }

    /** A .forward is read once; a name it lists again, or the name after a backslash, means the mailbox. */
    private boolean forwardTo(PasswdFile.Entry account, String user, String extension, String name, List<String> chain,
            int depth) throws DeliveryFailure {
        Optional<String> forward = forwarded.add(user) ? agent.readForward(account, extension) : Optional.empty();
        if (forward.isEmpty()) {
            return false;
        }
        for (String item : split(forward.get())) {
            expandItem(item, Origin.FORWARD, append(chain, name), depth + 1, account);
        }
        return true;
    }

    /** Hands one local address to mailbox_transport; its agent's outcome is this part's result. */
    private void pass(MailAddress address) {
        if (firstTime("mailbox_transport:" + address.internal())) {
            Outcome o = agent.passToMailboxTransport(target, message, address, nexthop);
            results.add(new Result(o.status(), o.dsn(), o.text(), o.relay()));
        }
    }

    private void mailbox(PasswdFile.Entry account) {
        if (firstTime("user:" + account.name())) {
            attempt(() -> agent.deliverToMailbox(account, message, recipient));
        }
    }

    private void expandItem(String raw, Origin origin, List<String> chain, int depth, PasswdFile.Entry privileges) {
        String item = unquote(raw.strip());
        if (item.isEmpty()) {
            return;
        }
        if (item.regionMatches(true, 0, ":include:", 0, ":include:".length())) {
            include(item.substring(":include:".length()).strip(), chain, depth, privileges);
        } else if (item.startsWith("|")) {
            String command = unquote(item.substring(1).strip());
            if (firstTime("|" + command)) {
                attempt(() -> agent.deliverToCommand(command, origin, privileges, message, recipient));
            }
        } else if (item.startsWith("/")) {
            if (firstTime(item)) {
                attempt(() -> agent.deliverToFile(item, origin, privileges, message, recipient));
            }
        } else if (item.startsWith("\\")) {
            try {
                String name = agent.stripExtension(item.substring(1).toLowerCase(Locale.ROOT));
                if (agent.passesMailboxes()) {
                    pass(agent.qualified(name));
                } else {
                    mailbox(agent.user(name));
                }
            } catch (DeliveryFailure failure) {
                results.add(failed(failure));
            }
        } else {
            String text = item.startsWith("<") && item.endsWith(">") ? item.substring(1, item.length() - 1) : item;
            MailAddress address = MailAddress.of(text);
            if (agent.isLocalDomain(address.domain())) {
                expandName(address.localPart().toLowerCase(Locale.ROOT), chain, depth);
            } else {
                remote.add(address);
            }
        }
    }

    private static List<String> append(List<String> chain, String name) {
        List<String> next = new ArrayList<>(chain);
        next.add(name);
        return next;
    }

    /** {@code :include:/file}: targets one or more per line, {@code #} comments, as in aliases(5). */
    private void include(String file, List<String> chain, int depth, PasswdFile.Entry privileges) {
        List<String> items = new ArrayList<>();
        try {
            // Read with the rights of whoever the targets act for, so that an include file cannot
            // reveal a file that account could not read (its lines would come back in bounces).
            if (!agent.actingAs(privileges).mayRead(Path.of(file))) {
                results.add(new Result(Status.DEFERRED, "4.3.0", DeliveryTexts.includeFailed(file, "Permission denied")));
                return;
            }
        } catch (DeliveryFailure failure) {
            results.add(failed(failure));
            return;
        } catch (IOException e) {
            results.add(new Result(Status.DEFERRED, "4.3.0", DeliveryTexts.includeFailed(file, reason(e))));
            return;
        }
        try (BufferedReader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    items.addAll(split(trimmed));
                }
            }
        } catch (IOException e) {
            results.add(new Result(Status.DEFERRED, "4.3.0", DeliveryTexts.includeFailed(file, reason(e))));
            return;
        }
        for (String item : items) {
            expandItem(item, Origin.INCLUDE, chain, depth + 1, privileges);
        }
    }

    private boolean firstTime(String destination) {
        if (delivered.size() >= DUPLICATE_LIMIT) {
            return true;
        }
        return delivered.add(destination);
    }

    private interface Attempt {
        String deliver() throws DeliveryFailure;
    }

    private void attempt(Attempt attempt) {
        try {
            results.add(new Result(Status.SENT, "2.0.0", attempt.deliver()));
        } catch (DeliveryFailure failure) {
            results.add(failed(failure));
        }
    }

    private static Result failed(DeliveryFailure failure) {
        return new Result(failure.isPermanent() ? Status.BOUNCED : Status.DEFERRED, failure.dsn(), failure.getMessage());
    }

    private Outcome outcome() {
        for (Status worst : new Status[] {Status.DEFERRED, Status.BOUNCED}) {
            for (Result r : results) {
                if (r.status() == worst) {
                    return new Outcome(target, worst, r.relay(), r.dsn(), r.text());
                }
            }
        }
        if (results.isEmpty()) {
            // An alias with nothing but duplicates or blanks: the mail went nowhere, which
            // local(8) reports as delivered; say why here.
            return new Outcome(target, Status.SENT, LocalDelivery.RELAY, "2.0.0", DeliveryTexts.EXPANDED_TO_NOTHING);
        }
        if (results.size() == 1) {
            Result only = results.get(0);
            return new Outcome(target, Status.SENT, only.relay(), only.dsn(), only.text());
        }
        Set<String> texts = new LinkedHashSet<>();
        for (Result r : results) {
            texts.add(r.text());
        }
        return new Outcome(target, Status.SENT, LocalDelivery.RELAY, "2.0.0", String.join(", ", texts));
    }

    /** Splits an alias value at commas outside double quotes. */
    static List<String> split(String value) {
        List<String> items = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                items.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        items.add(current.toString());
        items.removeIf(s -> s.isBlank());
        return items;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                : e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                : String.valueOf(e.getMessage());
    }
}
