package org.bulwark.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mailauth.MailAuthentication;
import org.bulwark.milter.MilterSession;
import org.bulwark.mailauth.report.HistoryRecorder;
import org.bulwark.table.LookupTable;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueFileWriter;
import org.bulwark.table.NetworkList;
import org.bulwark.util.Cidr;

/**
 * The one way into the queue, for smtpd, pickup and (later) bounce. Thread-safe; one per
 * configuration.
 */
public final class Cleanup {


    private final MailQueue queue;
    private final Predicate<InetAddress> mynetworks;
    private final MailLog.Logger cleanupLog;
    private final MailLog.Logger smtpdLog;
    private final String myhostname;
    private final String myorigin;
    private final String mailName;
    private final boolean alwaysAddMissingHeaders;
    private final int headerSizeLimit;
    private final int hopcountLimit;
    /**
     * The zone of the Date headers cleanup adds, looked up at the first message rather than at
     * start: the first ZoneId looks for time zone providers in every jar on the class path, about
     * 7 ms that would otherwise come before the first 220.
     */
    private static final class LocalZone {
        static final ZoneId ZONE = ZoneId.systemDefault();
    }
    private final MailAuthentication authentication;
    /** The DMARC history for aggregate reports, or null (dmarc_report_enable = no). */
    private final HistoryRecorder dmarcHistory;
    /** header_checks and body_checks as configured; {@link #checks} as this service applies them. */
    private final ContentChecks configuredChecks;
    private final ContentChecks checks;
    /** milter_header_checks: for the headers milters add or change. */
    private final List<LookupTable> milterHeaderChecks;
    /** main.cf, for a cleanup service whose master.cf overrides set other content checks. */
    private final Config config;
    /** always_bcc, sender_bcc_maps and recipient_bcc_maps as configured; {@link #bcc} as this service applies them. */
    private final BccRecipients configuredBcc;
    private final BccRecipients bcc;

    public Cleanup(Config config, MailQueue queue, MailLog log) {
        this(config, queue, log, mynetworksOf(config));
    }

    /**
     * With the {@code mynetworks} test given, for a caller that has the list parsed already. It is
     * consulted only for a remote client when {@code always_add_missing_headers = no}.
     */
    public Cleanup(Config config, MailQueue queue, MailLog log, Predicate<InetAddress> mynetworks) {
        this.queue = queue;
        this.mynetworks = mynetworks;
        this.cleanupLog = log.program("cleanup");
        this.smtpdLog = log.program("smtpd");
        this.myhostname = config.get("myhostname").trim();
        this.myorigin = config.get("myorigin").trim();
        this.mailName = config.get("mail_name").trim();
        this.alwaysAddMissingHeaders = config.bool("always_add_missing_headers");
        this.headerSizeLimit = (int) Math.min(Integer.MAX_VALUE, config.size("header_size_limit"));
        this.hopcountLimit = config.integer("hopcount_limit");
        this.authentication = MailAuthentication.create(config);
        authentication.warnings().forEach(cleanupLog::warning);
        this.dmarcHistory = HistoryRecorder.create(config);
        if (dmarcHistory != null && !authentication.verifying()) {
            cleanupLog.warning(CleanupTexts.dmarcReportsWithoutChecks());
        }
        this.configuredChecks = ContentChecks.create(config, headerSizeLimit);
        this.checks = configuredChecks.forService(config);
        this.milterHeaderChecks = ContentChecks.tables(config, "milter_header_checks");
        this.config = config;
        this.configuredBcc = BccRecipients.create(config, cleanupLog);
        this.bcc = configuredBcc.forService(config);
    }

    /** The same cleanup with another service's content checks: everything shared, nothing opened again. */
    private Cleanup(Cleanup base, ContentChecks checks, BccRecipients bcc) {
        this.queue = base.queue;
        this.mynetworks = base.mynetworks;
        this.cleanupLog = base.cleanupLog;
        this.smtpdLog = base.smtpdLog;
        this.myhostname = base.myhostname;
        this.myorigin = base.myorigin;
        this.mailName = base.mailName;
        this.alwaysAddMissingHeaders = base.alwaysAddMissingHeaders;
        this.headerSizeLimit = base.headerSizeLimit;
        this.hopcountLimit = base.hopcountLimit;
        this.authentication = base.authentication;
        this.dmarcHistory = base.dmarcHistory;
        this.configuredChecks = base.configuredChecks;
        this.checks = checks;
        this.milterHeaderChecks = base.milterHeaderChecks;
        this.config = base.config;
        this.configuredBcc = base.configuredBcc;
        this.bcc = bcc;
    }

    /**
     * This cleanup for mail the system makes itself (bounces, notices, local forwarding): no header
     * or body checks, as Postfix's internal_mail_filter_classes (empty) leaves such mail alone, and
     * no automatic BCC copies, which Postfix makes only of new mail (no mail loops).
     */
    public Cleanup internal() {
        return checks == ContentChecks.NONE && !bcc.active() ? this
                : new Cleanup(this, ContentChecks.NONE, bcc.enabled(false));
    }

    /**
     * This cleanup for a service with master.cf overrides: {@code -o receive_override_options=
     * no_header_body_checks} (the reinjection service after a content filter) turns the header and
     * body checks off for mail that service receives, as Postfix's smtpd asks its cleanup to.
     */
    public Cleanup forService(Config serviceConfig) {
        return forService(serviceConfig, Map.of());
    }

    /**
     * As {@link #forService(Config)}, for a service whose {@code cleanup_service_name} names a
     * master.cf cleanup service with these {@code -o} overrides: its header_checks, body_checks
     * and the rest apply to what that service receives, as a separate cleanup service does in
     * Postfix (a submission service that strips Received headers, say).
     */
    public Cleanup forService(Config serviceConfig, Map<String, String> cleanupOverrides) {
        ContentChecks base = ContentChecks.PARAMETERS.stream().anyMatch(cleanupOverrides::containsKey)
                ? ContentChecks.create(config.with(cleanupOverrides), headerSizeLimit)
                : configuredChecks;
        ContentChecks service = base.forService(serviceConfig);
        // -o receive_override_options=no_address_mappings: no BCC copies (a service before a content filter).
        BccRecipients copies = (BccRecipients.PARAMETERS.stream().anyMatch(cleanupOverrides::containsKey)
                ? BccRecipients.create(config.with(cleanupOverrides), cleanupLog) : configuredBcc).forService(serviceConfig);
        return service == checks && copies == bcc ? this : new Cleanup(this, service, copies);
    }

    /**
     * Starts a message: creates its queue file, writes the Received header and, for a remote
     * client, logs {@code QUEUEID: client=name[addr]} as smtpd (pickup logs its own
     * {@code uid=N from=<sender>}). The envelope's recipients are final; cleanup adds only the automatic
     * BCC copies (always_bcc, sender_bcc_maps, recipient_bcc_maps) to the queue file's envelope.
     */
    public CleanupSession open(Envelope envelope) throws IOException {
        return open(envelope, smtpdLog);
    }

    /** As {@link #open(Envelope)}, logging the client= line as the given smtpd service (its syslog_name). */
    public CleanupSession open(Envelope envelope, MailLog.Logger clientLog) throws IOException {
        return open(envelope, clientLog, null);
    }

    /**
     * As {@link #open(Envelope, MailLog.Logger)}, with milters that judge the message at its
     * commit, after the other checks and before DKIM signing, whose edits are made before it is
     * queued (null: none). The caller has taken the session through the SMTP stages and closes it.
     */
    public CleanupSession open(Envelope envelope, MailLog.Logger clientLog, MilterSession milters)
            throws IOException {
        // BCC copies go into the queue file's envelope only: the Received header and the checks see the mail as sent.
        Envelope queued = bcc.addTo(envelope);
        QueueFileWriter writer = queue.create(queued);
        try {
            ClientInfo client = envelope.client();
            boolean local = client.isLocalSubmission();
            boolean fromMynetworks = !local && inMynetworks(client.address());
            boolean addMissing = alwaysAddMissingHeaders || local || fromMynetworks;
            String date = CleanupTexts.mailDate(envelope.arrival(), LocalZone.ZONE);
            AuthenticationFilter filter = authenticationFilter(writer, envelope, fromMynetworks);
            OutputStream signed = filter == null ? writer.content() : filter;
            // Milters see the message as checked; signing sees what the milters made of it.
            MilterStage milterStage = milters == null ? null : new MilterStage(signed, milters.needsContent());
            OutputStream next = milterStage == null ? signed : milterStage;
            // Checks see the headers as cleanup has completed them; signing sees what checks left.
            ContentInspector inspector = checks.active()
                    ? new ContentInspector(next, checks, cleanupLog, writer.id(), envelope) : null;
            HeaderStream content = new HeaderStream(inspector == null ? next : inspector, headerSizeLimit, seen -> {
                List<String> added = addMissing ? missingHeaders(seen, envelope, writer, date) : List.of();
                if (inspector != null) {
                    inspector.headersAddedNext(added.size());
                }
                return added;
            });
            String received = local
                    ? CleanupTexts.receivedLocal(envelope, writer.id(), myhostname, mailName, date)
                    : CleanupTexts.receivedFromClient(envelope, writer.id(), myhostname, mailName, date);
            if (inspector != null) {
                inspector.ownHeader(received, writer.content());
            } else {
                writer.content().write((received + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (!local) {
                // The pickup daemon logs its own uid= line, as Postfix's does.
                clientLog.info(CleanupTexts.logClient(writer.id(), client));
            }
            // Mail from this host (sendmail, forwarding, notices) has Delivered-To loop detection
            // at delivery; the hop count guards what arrives over SMTP.
            MessageCleanup message = new MessageCleanup(writer, content, cleanupLog, queued,
                    new MessageCleanup.Checks(filter, authentication.enforcement(), local ? 0 : hopcountLimit,
                            filter == null ? null : dmarcHistory, inspector));
            return milters == null ? message : message.judgedBy(milters, milterStage, milterHeaderChecks);
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
    }

    /** Trusted mail (sendmail, SASL, mynetworks) is signed; mail from outside is checked. */
    private AuthenticationFilter authenticationFilter(QueueFileWriter writer, Envelope envelope,
            boolean fromMynetworks) {
        boolean trusted = AuthenticationFilter.isTrusted(envelope, fromMynetworks);
        if (trusted ? authentication.signing() : authentication.verifying()) {
            return new AuthenticationFilter(writer.content(), authentication, envelope, trusted);
        }
        return null;
    }

    /** Postfix's order: Message-ID, Date, then From (local submissions only). */
    private List<String> missingHeaders(Set<String> seen, Envelope envelope, QueueFileWriter writer, String date) {
        List<String> added = new ArrayList<>();
        if (!seen.contains("message-id")) {
            added.add(CleanupTexts.messageId(envelope.arrival(), writer.id(), myhostname));
        }
        if (!seen.contains("date")) {
            added.add(CleanupTexts.date(date));
        }
        if (!seen.contains("from") && envelope.client().isLocalSubmission()) {
            MailAddress sender = envelope.sender();
            String user = sender.isNullSender() ? "MAILER-DAEMON" : sender.localPart();
            added.add(CleanupTexts.from(sender.isQualified() ? sender : new MailAddress(user, myorigin)));
        }
        return added;
    }

    private boolean inMynetworks(String address) {
        byte[] bytes = address == null ? null : Cidr.literalBytes(address);
        if (bytes == null) {
            return false;
        }
        try {
            return mynetworks.test(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Parsed on first use, so a configuration that never consults mynetworks never parses it. */
    private static Predicate<InetAddress> mynetworksOf(Config config) {
        return new Predicate<>() {
            private volatile NetworkList list;

            @Override
            public boolean test(InetAddress address) {
                NetworkList networks = list;
                if (networks == null) {
                    networks = NetworkList.parse(config.list("mynetworks"), config.configDirectory());
                    list = networks;
                }
                return networks.matches(address);
            }
        };
    }
}
