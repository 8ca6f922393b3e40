package org.bulwark.smtpd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.bulwark.config.Config;
import org.bulwark.protocol.BareNewline;
import org.bulwark.table.NetworkList;
import org.bulwark.util.Cidr;

/** The main.cf parameters one smtpd service reads, once. */
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
        String contentFilter,
        UpstreamProxy upstreamProxy,
        NetworkList xclientHosts,
        NetworkList xforwardHosts) {

    static SmtpdSettings from(Config config) {
        String myhostname = config.get("myhostname").trim();
        Set<String> discard = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        config.list("smtpd_discard_ehlo_keywords").forEach(k -> discard.add(k.toUpperCase(Locale.ROOT)));
        boolean silent = discard.remove("SILENT-DISCARD");
        return new SmtpdSettings(
                myhostname,
                config.get("smtpd_banner").trim(),
                config.get("myorigin").trim(),
                config.bool("append_at_myorigin"),
                config.bool("smtpd_helo_required"),
                config.bool("strict_rfc821_envelopes"),
                config.bool("disable_vrfy_command"),
                config.bool("smtpd_peername_lookup"),
                config.bool("smtputf8_enable"),
                config.bool("smtpd_forbid_unauth_pipelining"),
                config.size("message_size_limit"),
                config.integer("smtpd_recipient_limit"),
                config.integer("smtpd_recipient_overshoot_limit"),
                config.time("smtpd_timeout"),
                config.integer("smtpd_hard_error_limit"),
                config.integer("smtpd_soft_error_limit"),
                config.time("smtpd_error_sleep_time"),
                config.integer("smtpd_junk_command_limit"),
                config.integer("line_length_limit"),
                discard,
                !silent,
                BareNewline.parse(config.get("smtpd_forbid_bare_newline")),
                config.integer("smtpd_forbid_bare_newline_reject_code"),
                networks(config.list("smtpd_forbid_bare_newline_exclusions")),
                new QueueSpace(java.nio.file.Path.of(config.get("queue_directory").trim()),
                        config.size("queue_minfree")),
                config.bool("smtpd_per_request_deadline"),
                config.integer("smtpd_min_data_rate"),
                config.get("content_filter").strip(),
                UpstreamProxy.from(config),
                NetworkList.parse(config.list("smtpd_authorized_xclient_hosts"), config.configDirectory()),
                NetworkList.parse(config.list("smtpd_authorized_xforward_hosts"), config.configDirectory()));
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

    /** The CIDR items of a network list; table lookups in it are not supported here yet. */
    private static List<Cidr> networks(List<String> items) {
        List<Cidr> out = new ArrayList<>();
        for (String item : items) {
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
