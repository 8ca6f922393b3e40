package org.bulwark.delivery.virtual;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.bulwark.config.Config;
import org.bulwark.delivery.AddressKeys;
import org.bulwark.delivery.DeliveryFailure;
import org.bulwark.delivery.DeliveryTexts;
import org.bulwark.delivery.Maildir;
import org.bulwark.delivery.Mbox;
import org.bulwark.delivery.Owner;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * Postfix's virtual(8): each recipient's mailbox is the {@code virtual_mailbox_maps} value under
 * {@code virtual_mailbox_base}; a value ending in {@code /} is a Maildir, anything else an mbox
 * file. Files belong to the {@code virtual_uid_maps}/{@code virtual_gid_maps} owner when the server
 * runs as root, and to the server's user otherwise. An address verification probe only finds the
 * mailbox and reports {@code delivers to maildir} (or mailbox), writing nothing.
 */
public final class VirtualDelivery implements DeliveryAgent {

    private static final String RELAY = "virtual";

    private final List<LookupTable> mailboxMaps;
    private final List<LookupTable> uidMaps;
    private final List<LookupTable> gidMaps;
    private final Path base;
    private final long minimumUid;
    private final String recipientDelimiter;
    private final Maildir maildir;
    private final Mbox mbox;

    public VirtualDelivery(Config config) {
        this(config, LookupTables::open);
    }

    /** @param tableOpener opens {@code type:name} tables, as {@link LookupTables#open} does */
    public VirtualDelivery(Config config, BiFunction<String, Path, LookupTable> tableOpener) {
        this.mailboxMaps = open(config, "virtual_mailbox_maps", tableOpener);
        this.uidMaps = open(config, "virtual_uid_maps", tableOpener);
        this.gidMaps = open(config, "virtual_gid_maps", tableOpener);
        // Postfix joins base + "/" + result, so an empty base (the default) means the root.
        String base = config.get("virtual_mailbox_base").strip();
        this.base = Path.of(base.isEmpty() ? "/" : base).toAbsolutePath().normalize();
        this.minimumUid = config.integer("virtual_minimum_uid");
        this.recipientDelimiter = config.get("recipient_delimiter");
        this.maildir = new Maildir(config.get("myhostname"));
        this.mbox = new Mbox(config.size("virtual_mailbox_limit"));
    }

    @Override
    public String transport() {
        return RELAY;
    }

    @Override
    public DeliveryReport deliver(DeliveryRequest request) {
        List<Outcome> outcomes = new ArrayList<>(request.targets().size());
        for (DeliveryRequest.Target target : request.targets()) {
            outcomes.add(deliver(request.message(), target));
        }
        return new DeliveryReport(outcomes);
    }

    private Outcome deliver(QueuedMessage message, DeliveryRequest.Target target) {
        MailAddress address = target.address();
        try {
            Optional<String> mailbox = lookup(mailboxMaps, address);
            if (mailbox.isEmpty()) {
                return new Outcome(target, Status.BOUNCED, RELAY, "5.1.1", DeliveryTexts.unknownUser(address.internal()));
            }
            String value = mailbox.get().strip();
            Path path = mailboxPath(value);
            Owner owner = owner(address);
            if (message.envelope().probe()) {
                // A verify(8) probe: the mailbox exists and may be written; nothing is.
                return new Outcome(target, Status.SENT, RELAY, "2.0.0",
                        value.endsWith("/") ? DeliveryTexts.DELIVERS_TO_MAILDIR : DeliveryTexts.DELIVERS_TO_MAILBOX);
            }
            if (value.endsWith("/")) {
                maildir.deliver(path, message, address, owner);
                return new Outcome(target, Status.SENT, RELAY, "2.0.0", DeliveryTexts.DELIVERED_TO_MAILDIR);
            }
            mbox.deliver(path, message, address, owner);
            return new Outcome(target, Status.SENT, RELAY, "2.0.0", DeliveryTexts.DELIVERED_TO_MAILBOX);
        } catch (DeliveryFailure failure) {
            return new Outcome(target, failure.isPermanent() ? Status.BOUNCED : Status.DEFERRED, RELAY,
                    failure.dsn(), failure.getMessage());
        }
    }

    /** Map values are relative to the base, as in Postfix, and must stay inside it. */
    private static int leadingSlashes(String value) {
        int i = 0;
        while (i < value.length() && value.charAt(i) == '/') {
            i++;
        }
        return i;
    }

    private Path mailboxPath(String value) throws DeliveryFailure {
        String relative = value.substring(leadingSlashes(value));
        Path path = base.resolve(relative).normalize();
        if (!path.startsWith(base) || path.equals(base)) {
            throw new DeliveryFailure("4.3.5", DeliveryTexts.mailboxOutsideBase(value));
        }
        return path;
    }

    private Owner owner(MailAddress address) throws DeliveryFailure {
        // One server process writes every mailbox: without virtual_uid_maps it writes as itself.
        if (!Owner.runningAsRoot() || uidMaps.isEmpty()) {
            return Owner.CURRENT;
        }
        long uid = number(uidMaps, address, "virtual_uid_maps");
        long gid = number(gidMaps, address, "virtual_gid_maps");
        // virtual(8) refuses to write as a system account: virtual_minimum_uid.
        if (uid < minimumUid) {
            throw new DeliveryFailure("4.3.5", DeliveryTexts.uidTooLow(address.internal(), uid));
        }
        return Owner.of(uid, gid);
    }

    private long number(List<LookupTable> maps, MailAddress address, String parameter) throws DeliveryFailure {
        Optional<String> value = lookup(maps, address);
        try {
            return Long.parseLong(value.orElseThrow().strip());
        } catch (RuntimeException missingOrBad) {
            throw new DeliveryFailure("4.3.5", DeliveryTexts.uidNotFound(address.internal(), parameter));
        }
    }

    private Optional<String> lookup(List<LookupTable> maps, MailAddress address) throws DeliveryFailure {
        try {
            return AddressKeys.find(maps, address, recipientDelimiter);
        } catch (RuntimeException tableFailure) {
            String spec = maps.isEmpty() ? "" : maps.get(0).spec();
            throw new DeliveryFailure("4.3.0", DeliveryTexts.tableFailed(spec));
        }
    }

    private static List<LookupTable> open(Config config, String parameter, BiFunction<String, Path, LookupTable> opener) {
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : config.list(parameter)) {
            tables.add(opener.apply(spec, config.configDirectory()));
        }
        return List.copyOf(tables);
    }
}
