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

    private record Result(Status status, String dsn, String text) {
    }

    private final LocalDelivery agent;
    private final QueuedMessage message;
    private final DeliveryRequest.Target target;
    private final MailAddress recipient;
    private final List<Result> results = new ArrayList<>();
    private final Set<String> delivered = new HashSet<>();
    private final Set<MailAddress> remote = new LinkedHashSet<>();

    AliasExpansion(LocalDelivery agent, QueuedMessage message, DeliveryRequest.Target target) {
        this.agent = agent;
        this.message = message;
        this.target = target;
        this.recipient = target.address();
    }

    Outcome run() {
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
        Optional<String> alias;
        if (chain.contains(name)) {
            // An alias that lists its own name means that account's mailbox (aliases(5)).
            alias = Optional.empty();
        } else {
            try {
                alias = agent.lookupAlias(name);
            } catch (DeliveryFailure failure) {
                results.add(failed(failure));
                return;
            }
        }
        if (alias.isEmpty()) {
            String user = agent.stripExtension(name);
            if (firstTime("user:" + user)) {
                attempt(() -> agent.deliverToUser(user, message, recipient));
            }
            return;
        }
        List<String> next = new ArrayList<>(chain);
        next.add(name);
        for (String item : split(alias.get())) {
            expandItem(item, Origin.ALIAS, next, depth + 1);
        }
    }

    private void expandItem(String raw, Origin origin, List<String> chain, int depth) {
        String item = unquote(raw.strip());
        if (item.isEmpty()) {
            return;
        }
        if (item.regionMatches(true, 0, ":include:", 0, ":include:".length())) {
            include(item.substring(":include:".length()).strip(), chain, depth);
        } else if (item.startsWith("|")) {
            String command = unquote(item.substring(1).strip());
            if (firstTime("|" + command)) {
                attempt(() -> agent.deliverToCommand(command, origin, message, recipient));
            }
        } else if (item.startsWith("/")) {
            if (firstTime(item)) {
                attempt(() -> agent.deliverToFile(item, origin, message, recipient));
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

    /** {@code :include:/file}: targets one or more per line, {@code #} comments, as in aliases(5). */
    private void include(String file, List<String> chain, int depth) {
        List<String> items = new ArrayList<>();
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
            expandItem(item, Origin.INCLUDE, chain, depth + 1);
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
                    return new Outcome(target, worst, LocalDelivery.RELAY, r.dsn(), r.text());
                }
            }
        }
        if (results.isEmpty()) {
            // An alias with nothing but duplicates or blanks: the mail went nowhere, which
            // local(8) reports as delivered; say why here.
            return new Outcome(target, Status.SENT, LocalDelivery.RELAY, "2.0.0", DeliveryTexts.EXPANDED_TO_NOTHING);
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
