package org.bulwark.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.bulwark.log.MailLog;
import org.bulwark.util.Cidr;

/**
 * Greylisting as postgrey does it (its smtpd_access_policy): a triplet of client network (/24 or
 * /64), sender (extension and VERP numbers folded) and recipient is refused until {@code delay}
 * has passed since it was first seen; a first retry after the retry window starts over; a client
 * that passed {@code autoWhitelist} times is let through from then on; the first pass after a
 * delay gets postgrey's X-Greylist header (as a PREPEND action). Answers are access(5) actions.
 */
public final class Greylist implements PolicyService {

    private static final Duration AWL_STEP = Duration.ofHours(1);
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.ROOT);

    private final GreylistSettings settings;
    private final GreylistStore store;
    private final Clock clock;
    private final MailLog.Logger log;
    private final GreylistWhitelist clients;
    private final GreylistWhitelist recipients;

    public Greylist(GreylistSettings settings, GreylistStore store, Clock clock, MailLog.Logger log) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.log = log;
        this.clients = GreylistWhitelist.clients(settings.whitelistClients());
        this.recipients = GreylistWhitelist.recipients(settings.whitelistRecipients());
    }

    @Override
    public String decide(Map<String, String> request) {
        String clientAddress = request.get("client_address");
        String recipient = request.get("recipient");
        String sender = request.get("sender");
        if (clientAddress == null || recipient == null || sender == null) {
            return "DUNNO"; // not a RCPT-stage request: postgrey answers so, too
        }
        InetAddress ip;
        byte[] literal = Cidr.literalBytes(clientAddress);
        try {
            if (literal == null) {
                return "DUNNO";
            }
            ip = InetAddress.getByAddress(literal);
        } catch (UnknownHostException e) {
            return "DUNNO";
        }
        if (clients.matchesName(request.get("client_name")) || clients.matchesAddress(ip)) {
            info(PolicyTexts.greylistAction("pass", "client whitelist", request));
            return "DUNNO";
        }
        if (recipients.matchesName(recipient)) {
            info(PolicyTexts.greylistAction("pass", "recipient whitelist", request));
            return "DUNNO";
        }
        long now = clock.instant().getEpochSecond();
        String clientKey = "client:" + ip.getHostAddress();
        long[] awl = pair(store.get(clientKey));
        if (settings.autoWhitelist() > 0 && awl != null && awl[0] >= settings.autoWhitelist()) {
            if (now >= awl[1] + AWL_STEP.toSeconds() || awl[1] > now) {
                store.put(clientKey, (awl[0] + 1) + "," + now, settings.maxAge());
            }
            info(PolicyTexts.greylistAction("pass", "client AWL", request));
            return "DUNNO";
        }
        String key = ("triplet:" + network(ip) + "/" + senderKey(sender) + "/" + recipient).toLowerCase(Locale.ROOT);
        long[] seen = pair(store.get(key));
        long first = now;
        boolean lastWasSuccessful = false;
        if (seen != null) {
            first = seen[0];
            if (seen[1] - first >= settings.delay().toSeconds()) {
                lastWasSuccessful = true;
            } else if (now - first > settings.retryWindow().toSeconds()) {
                first = now;
            }
            if (first > now) {
                first = now;
            }
        }
        store.put(key, first + "," + now, settings.maxAge());
        long missing = settings.delay().toSeconds() - (now - first);
        if (settings.autoWhitelist() > 0 && missing <= 0 && !lastWasSuccessful
                && (awl == null || now >= awl[1] + AWL_STEP.toSeconds())) {
            long count = awl == null ? 1 : awl[0] + 1;
            store.put(clientKey, count + "," + now, settings.maxAge());
            if (count == settings.autoWhitelist()) {
                info(PolicyTexts.whitelisted(clientName(request, ip)));
            }
        }
        if (missing > 0) {
            info(PolicyTexts.greylistAction("greylist", now != first ? "early-retry (" + missing + "s missing)" : "new",
                    request));
            return settings.action() + " " + refusalText(request, recipient, missing);
        }
        if (!lastWasSuccessful) {
            info(PolicyTexts.greylistAction("pass", "triplet found", request) + ", delay=" + (now - first));
            return "PREPEND " + header(now - first);
        }
        info(PolicyTexts.greylistAction("pass", "triplet found", request));
        return "DUNNO";
    }

    /** postgrey puts 4.2.0 in front for Postfix (which sends etrn_domain), for Exchange's sake. */
    private String refusalText(Map<String, String> request, String recipient, long missing) {
        String text = settings.text();
        if (request.containsKey("etrn_domain") && !text.isEmpty() && !Character.isDigit(text.charAt(0))) {
            text = "4.2.0 " + text;
        }
        String domain = recipient.substring(recipient.indexOf('@') + 1);
        return text.replaceFirst("%s", Long.toString(missing)).replaceFirst("%r", Matcher.quoteReplacement(domain));
    }

    private String header(long delay) {
        // postgrey writes local time with strftime's %Z, which names UTC "UTC", not "Z".
        java.time.ZoneId zone = clock.getZone().normalized().equals(java.time.ZoneOffset.UTC)
                ? java.time.ZoneId.of("UTC") : clock.getZone();
        String date = DATE.format(ZonedDateTime.ofInstant(clock.instant(), zone));
        return settings.header().replaceFirst("%t", Long.toString(delay))
                .replaceFirst("%v", PolicyTexts.VERSION)
                .replaceFirst("%d", Matcher.quoteReplacement(date))
                .replaceFirst("%h", Matcher.quoteReplacement(settings.hostname()));
    }

    private String network(InetAddress ip) {
        int prefix = ip.getAddress().length == 4 ? settings.ipv4Prefix() : settings.ipv6Prefix();
        byte[] bytes = ip.getAddress();
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * postgrey's do_sender_substitutions: BATV {@code prvs=} tags and the extension go, numbers
     * (VERP) become {@code #}, so one list or bounce address makes one triplet.
     */
    static String senderKey(String sender) {
        int at = sender.lastIndexOf('@');
        if (at < 0) {
            return sender;
        }
        String user = sender.substring(0, at);
        String domain = sender.substring(at + 1);
        if (user.startsWith("prvs=")) {
            String[] a = user.split("=", -1);
            if (a.length == 3) {
                boolean tag1 = a[1].matches("^[0-9a-z]{10}.*");
                boolean tag2 = a[2].matches("^[0-9a-z]{10}.*");
                user = tag2 && !tag1 ? a[1] : a[2];
            }
        }
        user = user.replaceAll("\\+.*", "").replaceAll("\\b\\d+\\b", "#");
        return user + "@" + domain;
    }

    private static long[] pair(Optional<String> value) {
        if (value.isEmpty()) {
            return null;
        }
        String[] f = value.get().split(",");
        try {
            return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String clientName(Map<String, String> request, InetAddress ip) {
        String name = request.get("client_name");
        return name != null && !name.isEmpty() ? name + "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
    }

    private void info(String message) {
        if (log != null) {
            log.info(message);
        }
    }
}
