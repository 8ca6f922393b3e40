package org.bulwark.pickup;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.cleanup.MessageRejectedException;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.milter.MilterSession;
import org.bulwark.queue.MailQueue;
import org.bulwark.util.Fsync;
import org.bulwark.util.WakeLoop;

/**
 * Postfix's pickup: takes the files the sendmail command left in maildrop/ and feeds each through
 * cleanup into the queue. The maildrop file is deleted only after the queue file is committed, so
 * a crash in between gives a duplicate, never a loss. A file that cannot be parsed is moved to
 * corrupt/ with a warning rather than retried forever.
 */
public final class Pickup {

    private static final Duration POLL = Duration.ofSeconds(1);

    private final Config config;
    private final MailQueue queue;
    private final Cleanup cleanup;
    private final MailLog.Logger log;
    /** non_smtpd_milters, or null when none. */
    private final LocalMilters milters;
    private volatile WakeLoop poller;
    /** Set by {@link #stop()}: a pass in progress ends after the current file. */
    private volatile boolean stopping;

    public Pickup(Config config, MailQueue queue, Cleanup cleanup, MailLog log) {
        this.config = config;
        this.queue = queue;
        this.cleanup = cleanup;
        this.log = log.program("pickup");
        this.milters = LocalMilters.of(config, this.log);
    }

    public synchronized void start() {
        if (poller == null || !poller.running()) {
            stopping = false;
            poller = new WakeLoop("pickup", () -> POLL, woken -> pickUpAll(),
                    e -> log.warning("scan maildrop: " + e)).start();
        }
    }

    /** Asks for an immediate look at maildrop/. */
    public void wake() {
        WakeLoop loop = poller;
        if (loop != null) {
            loop.wake();
        }
    }

    /** Stops after the file being picked up, if any, is finished. */
    public void stop() {
        WakeLoop loop = poller;
        if (loop != null && loop.running()) {
            stopping = true;
            loop.stop();
        }
    }

    /** Picks up every complete file in maildrop/, oldest name first; returns how many went in. */
    public int pickUpAll() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(queue.maildrop())) {
            for (Path file : dir) {
                // Names that are not queue IDs are the sendmail command's temporary files.
                if (QueueId.isValid(file.getFileName().toString()) && Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        } catch (IOException e) {
            log.warning("scan maildrop: " + e.getMessage());
            return 0;
        }
        files.sort(null);
        int count = 0;
        for (Path file : files) {
            if (stopping) {
                break;
            }
            if (pickUp(file)) {
                count++;
            }
        }
        return count;
    }

    private boolean pickUp(Path file) {
        MaildropFile drop;
        // As Postfix's pickup, the file's owner is the submitter, not what the file claims.
        Long owner = ownerUid(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            drop = MaildropFile.readFrom(in);
            HeaderBlock headers = HeaderBlock.read(in);
            Envelope envelope = envelope(drop, headers);
            if (envelope.recipients().isEmpty()) {
                throw new MaildropFile.MalformedMaildropException("no recipient addresses found");
            }
            try (MilterSession filters = milters == null ? null : milters.open()) {
                if (filters != null && !milters.envelope(filters, envelope)) {
                    discard(file);
                    return true;
                }
                try (CleanupSession session = cleanup.open(envelope, log, filters)) {
                    String id = session.queueId().value();
                    // Postfix's order: pickup's line comes before cleanup's message-id line.
                    log.info(id + ": uid=" + (owner != null ? owner : drop.uid())
                            + " from=<" + envelope.sender().external() + ">");
                    if (filters != null && !milters.data(filters, id, envelope)) {
                        session.abort();
                        discard(file);
                        return true;
                    }
                    writeContent(session.content(), drop, headers, envelope.sender(), in);
                    try {
                        session.commit();
                    } catch (MessageRejectedException e) {
                        if (e.byMilter()) {
                            milters.logRefusal(id, e, envelope);
                        }
                        throw e;
                    }
                    if (milters != null) {
                        milters.logOutcome(id, session.milterOutcome(), envelope);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return false; // another pickup got it
        } catch (MessageRejectedException e) {
            if (e.reply().isTransient()) {
                log.warning("maildrop/" + file.getFileName() + ": " + e.reply().text() + "; will try again");
                return false;
            }
            // Refused for good (header or body checks, which logged why, or a milter). Postfix returns such
            // mail to its sender; here it is kept for the administrator instead of being retried forever.
            moveToCorrupt(file, "message refused: " + e.reply().code() + " " + e.reply().text());
            return false;
        } catch (MaildropFile.MalformedMaildropException | RuntimeException e) {
            // Kept for the administrator rather than retried every second forever.
            moveToCorrupt(file, String.valueOf(e.getMessage()));
            return false;
        } catch (IOException e) {
            log.warning("maildrop/" + file.getFileName() + ": " + e.getMessage() + "; will try again");
            return false;
        }
        try {
            Files.deleteIfExists(file);
            Fsync.directory(file.getParent());
        } catch (IOException e) {
            log.warning("maildrop/" + file.getFileName() + ": cannot remove: " + e.getMessage());
        }
        return true;
    }

    /** A milter discarded the message: the maildrop file goes, nothing is queued. */
    private static void discard(Path file) throws IOException {
        Files.deleteIfExists(file);
        Fsync.directory(file.getParent());
    }

    private Envelope envelope(MaildropFile drop, HeaderBlock headers) {
        // Command-line recipients are read as Postfix's sendmail reads them: as RFC 5322
        // addresses, so that a quoted local part keeps an @ it holds ("a@b").
        Set<MailAddress> addresses = new LinkedHashSet<>();
        for (String recipient : drop.recipients()) {
            addresses.addAll(AddressList.parse(recipient));
        }
        if (drop.extractRecipients()) {
            for (String field : headers.fields()) {
                String name = HeaderBlock.name(field);
                if (name.equals("to") || name.equals("cc") || name.equals("bcc")) {
                    addresses.addAll(AddressList.parse(HeaderBlock.value(field)));
                }
            }
        }
        List<Recipient> recipients = new ArrayList<>();
        for (MailAddress address : addresses) {
            recipients.add(Recipient.of(qualify(address)));
        }
        List<MailAddress> sender = AddressList.parse(drop.sender());
        // As Postfix's pickup, this service's content_filter (master.cf -o content_filter=) applies.
        return Envelope.of(qualify(sender.size() == 1 ? sender.get(0) : MailAddress.of(drop.sender())), recipients,
                ClientInfo.local(drop.user())).withFilter(config.get("content_filter"));
    }

    /**
     * Local submissions may name bare users; Postfix appends {@code @$myorigin} to them, unless
     * append_at_myorigin is off.
     */
    private MailAddress qualify(MailAddress a) {
        String myorigin = config.get("myorigin");
        if (a.isNullSender() || a.isQualified() || myorigin.isEmpty() || !config.bool("append_at_myorigin")) {
            return a;
        }
        return a.withDomain(myorigin);
    }

    private static void writeContent(OutputStream out, MaildropFile drop, HeaderBlock headers, MailAddress sender,
            InputStream rest) throws IOException {
        for (String field : headers.fields()) {
            if (drop.extractRecipients() && HeaderBlock.name(field).equals("bcc")) {
                continue; // Bcc recipients stay hidden from the others (sendmail -t)
            }
            out.write(field.getBytes(StandardCharsets.ISO_8859_1));
        }
        if (!headers.has("from") && !sender.isNullSender()) {
            String from = drop.fullName() == null || drop.fullName().isEmpty()
                    ? sender.external()
                    : quotedPhrase(drop.fullName()) + " <" + sender.external() + ">";
            out.write(("From: " + from + "\n").getBytes(StandardCharsets.UTF_8));
            String first = new String(headers.rest(), StandardCharsets.ISO_8859_1);
            if (!first.isEmpty() && !first.equals("\n") && !first.equals("\r\n")) {
                out.write('\n'); // the body began without an empty line; keep it out of the headers
            }
        }
        out.write(headers.rest());
        rest.transferTo(out);
    }

    /** A display name as an RFC 5322 phrase: quoted when it holds specials. */
    private static String quotedPhrase(String name) {
        if (name.matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~ \\-\\u0080-\\uFFFF]+")) {
            return name;
        }
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Long ownerUid(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    private void moveToCorrupt(Path file, String why) {
        Path corrupt = queue.directory().resolve("corrupt");
        try {
            Files.createDirectories(corrupt);
            Files.move(file, corrupt.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            Fsync.directory(corrupt);
            Fsync.directory(file.getParent());
            log.warning("maildrop/" + file.getFileName() + ": " + why + "; moved to corrupt/");
        } catch (IOException e) {
            log.warning("maildrop/" + file.getFileName() + ": " + why + "; cannot move to corrupt/: " + e.getMessage());
        }
    }
}
