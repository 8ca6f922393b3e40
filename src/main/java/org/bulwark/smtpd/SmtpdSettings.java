package org.bulwark.smtpd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.bulwark.config.Config;
import org.bulwark.protocol.BareNewline;
import org.bulwark.util.Cidr;

/**
 * The main.cf parameters one smtpd service reads, once, with Postfix's defaults for those the
 * configuration leaves empty.
 */
record SmtpdSettings(
        String myhostname,
        String banner,
        String myorigin,
        boolean appendAtMyorigin,
        boolean heloRequired,
        boolean strictRfc821Envelopes,
        boolean disableVrfy,
        boolean peernameLookup,
        boolean smtputf8Enable,
        boolean forbidUnauthPipelining,
        long messageSizeLimit,
        int recipientLimit,
        int recipientOvershootLimit,
        Duration timeout,
        int hardErrorLimit,
        int softErrorLimit,
        Duration errorSleep,
        int junkCommandLimit,
        int lineLengthLimit,
        Set<String> discardEhloKeywords,
        boolean logDiscardedEhloKeywords,
        BareNewline bareNewline,
        int bareNewlineRejectCode,
        List<Cidr> bareNewlineExclusions,
        QueueSpace queueSpace,
        boolean perRequestDeadline,
        long minDataRate,
        String contentFilter) {

    static SmtpdSettings from(Config config) {
        String myhostname = text(config, "myhostname", "localhost");
        String mailName = text(config, "mail_name", "Bulwark");
        Set<String> discard = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        config.list("smtpd_discard_ehlo_keywords").forEach(k -> discard.add(k.toUpperCase(Locale.ROOT)));
        boolean silent = discard.remove("SILENT-DISCARD");
        String exclusions = config.isSet("smtpd_forbid_bare_newline_exclusions")
                ? config.get("smtpd_forbid_bare_newline_exclusions") : config.get("mynetworks");
        return new SmtpdSettings(
                myhostname,
                text(config, "smtpd_banner", myhostname + " ESMTP " + mailName),
                text(config, "myorigin", myhostname),
                bool(config, "append_at_myorigin", true),
                bool(config, "smtpd_helo_required", false),
                bool(config, "strict_rfc821_envelopes", false),
                bool(config, "disable_vrfy_command", false),
                bool(config, "smtpd_peername_lookup", true),
                bool(config, "smtputf8_enable", true),
                bool(config, "smtpd_forbid_unauth_pipelining", true),
                size(config, "message_size_limit", 10_240_000),
                integer(config, "smtpd_recipient_limit", 1000),
                integer(config, "smtpd_recipient_overshoot_limit", 1000),
                time(config, "smtpd_timeout", Duration.ofSeconds(300)),
                integer(config, "smtpd_hard_error_limit", 20),
                integer(config, "smtpd_soft_error_limit", 10),
                time(config, "smtpd_error_sleep_time", Duration.ofSeconds(1)),
                integer(config, "smtpd_junk_command_limit", 100),
                integer(config, "line_length_limit", 2048),
                discard,
                !silent,
                BareNewline.parse(config.get("smtpd_forbid_bare_newline")),
                integer(config, "smtpd_forbid_bare_newline_reject_code", 550),
                networks(exclusions),
                new QueueSpace(java.nio.file.Path.of(text(config, "queue_directory", ".")),
                        size(config, "queue_minfree", 0)),
                bool(config, "smtpd_per_request_deadline", false),
                integer(config, "smtpd_min_data_rate", 500),
                config.get("content_filter").strip());
    }

    /** The EHLO keywords in Postfix's order, less the discarded ones (RFC 5321 §4.1.1.1). */
    List<String> ehloKeywords() {
        List<String> all = new ArrayList<>();
        all.add("PIPELINING");
        all.add(messageSizeLimit > 0 ? "SIZE " + messageSizeLimit : "SIZE");
        if (!disableVrfy) {
            all.add("VRFY");
        }
        all.add("ETRN");
        all.add("ENHANCEDSTATUSCODES");
        all.add("8BITMIME");
        all.add("DSN");
        if (smtputf8Enable) {
            all.add("SMTPUTF8");
        }
        all.add("CHUNKING");
        all.removeIf(k -> discardEhloKeywords.contains(k.split(" ")[0]));
        return all;
    }

    boolean offers(String keyword) {
        return !discardEhloKeywords.contains(keyword);
    }

    /** The address with {@code @$myorigin} appended where the client left the domain out (append_at_myorigin). */
    org.bulwark.mail.MailAddress qualify(org.bulwark.mail.MailAddress address) {
        if (address.isNullSender() || address.isQualified() || !appendAtMyorigin) {
            return address;
        }
        return address.withDomain(myorigin);
    }

    /** smtpd_forbid_bare_newline = reject, and the client is not in its exclusions. */
    boolean refusesBareNewline(java.net.InetAddress client) {
        if (bareNewline != BareNewline.REJECT) {
            return false;
        }
        return bareNewlineExclusions.stream().noneMatch(net -> net.contains(client));
    }

    private static String text(Config config, String name, String fallback) {
        String value = config.get(name).trim();
        return value.isEmpty() ? fallback : value;
    }

    private static boolean bool(Config config, String name, boolean fallback) {
        return config.get(name).isBlank() ? fallback : config.bool(name);
    }

    private static int integer(Config config, String name, int fallback) {
        return config.get(name).isBlank() ? fallback : config.integer(name);
    }

    private static long size(Config config, String name, long fallback) {
        return config.get(name).isBlank() ? fallback : config.size(name);
    }

    private static Duration time(Config config, String name, Duration fallback) {
        return config.get(name).isBlank() ? fallback : config.time(name);
    }

    /** The CIDR items of a network list; table lookups in it are not supported here yet. */
    private static List<Cidr> networks(String value) {
        List<Cidr> out = new ArrayList<>();
        for (String item : value.split("[,\\s]+")) {
            String s = item.toLowerCase(Locale.ROOT);
            if (s.isEmpty() || s.contains(":") && !s.startsWith("[") && !s.matches("[0-9a-f:.]+(/\\d+)?")) {
                continue;
            }
            try {
                out.add(Cidr.parse(item));
            } catch (IllegalArgumentException e) {
                // A host name or table: not usable as an exclusion without lookups.
            }
        }
        return out;
    }
}
