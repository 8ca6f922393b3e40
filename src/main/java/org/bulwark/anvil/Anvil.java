package org.bulwark.anvil;

import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Predicate;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.SmtpReply;
import org.bulwark.table.NetworkList;
import org.bulwark.util.RedisConnection;

/**
 * The client limits of Postfix's smtpd and anvil(8): {@code smtpd_client_connection_count_limit},
 * {@code _connection_rate_limit}, {@code _message_rate_limit}, {@code _recipient_rate_limit} and
 * {@code _auth_rate_limit} per {@code anvil_rate_time_unit}. Clients in
 * {@code smtpd_client_event_limit_exceptions} (by default mynetworks) are not counted. A limit of
 * 0 is no limit. Each check counts the event and answers null (go on) or the refusal to send,
 * having logged Postfix's warning. When the counters cannot be reached, a check whose limit is set
 * answers a temporary refusal: the limits fail closed, where Postfix's smtpd would skip them.
 */
public final class Anvil implements AutoCloseable {

    /** Postfix's defaults. */

    /** The limits one smtpd service applies. */
    public record Limits(int connectionCount, int connectionRate, int messageRate, int recipientRate, int authRate,
            int newTlsSessionRate, Duration unit) { }

    private final Limits limits;
    private final CounterStore store;
    private final Predicate<InetAddress> exempt;
    private final String myhostname;
    private final String service;
    private final MailLog.Logger log;

    public Anvil(Limits limits, CounterStore store, Predicate<InetAddress> exempt, String myhostname, String service,
            MailLog.Logger log) {
        this.limits = limits;
        this.store = store;
        this.exempt = exempt;
        this.myhostname = myhostname;
        this.service = service;
        this.log = log;
    }

    /** The limits and exceptions of {@code config}, counting in {@code store}. */
    public static Anvil from(Config config, CounterStore store, String service, MailLog.Logger log) {
        Limits limits = new Limits(
                config.integer("smtpd_client_connection_count_limit"),
                config.integer("smtpd_client_connection_rate_limit"),
                config.integer("smtpd_client_message_rate_limit"),
                config.integer("smtpd_client_recipient_rate_limit"),
                config.integer("smtpd_client_auth_rate_limit"),
                config.integer("smtpd_client_new_tls_session_rate_limit"),
                config.time("anvil_rate_time_unit"));
        // The older name, set alone, still counts: the registry's default, Postfix's
        // ${smtpd_client_connection_limit_exceptions:$mynetworks}, would expand to nothing then.
        String exceptions = config.isSet("smtpd_client_connection_limit_exceptions")
                && !config.isSet("smtpd_client_event_limit_exceptions")
                ? "smtpd_client_connection_limit_exceptions" : "smtpd_client_event_limit_exceptions";
        NetworkList networks = NetworkList.parse(config.list(exceptions), config.configDirectory());
        return new Anvil(limits, store, networks::matches, config.get("myhostname").trim(), service, log);
    }

    public Limits limits() {
        return limits;
    }

    /**
     * A new connection: counts it (open connections and the connection rate) and returns the
     * {@code 421} to send when the client is over a limit. Every call for a counted client must
     * be matched by {@link #disconnect}, refused or not.
     */
    public SmtpReply connect(InetAddress client, String nameAddress) {
        if (exempt.test(client)) {
            return null;
        }
        String key = client.getHostAddress();
        boolean limited = limits.connectionCount() > 0 || limits.connectionRate() > 0;
        SmtpReply refusal = null;
        try {
            long open = store.connect(key);
            if (limits.connectionCount() > 0 && open > limits.connectionCount()) {
                warn(AnvilTexts.CONCURRENCY, open, nameAddress);
                refusal = AnvilTexts.tooManyConnections(myhostname, key);
            }
            if (limits.connectionRate() > 0) {
                long rate = store.countEvent("connection:" + key, limits.unit());
                if (refusal == null && rate > limits.connectionRate()) {
                    warn(AnvilTexts.CONNECTION_RATE, rate, nameAddress);
                    refusal = AnvilTexts.tooManyConnections(myhostname, key);
                }
            }
        } catch (RuntimeException e) {
            storeFailed(e);
            if (limited) {
                refusal = AnvilTexts.limitsUnavailable(421, myhostname);
            }
        }
        return refusal;
    }

    public void disconnect(InetAddress client) {
        if (exempt.test(client)) {
            return;
        }
        try {
            store.disconnect(client.getHostAddress());
        } catch (RuntimeException e) {
            storeFailed(e);
        }
    }

    /** MAIL FROM: the message rate. */
    public SmtpReply message(InetAddress client, String nameAddress) {
        return rate(client, nameAddress, "message:", limits.messageRate(), AnvilTexts.MESSAGE_RATE,
                AnvilTexts.tooMuchMail(client.getHostAddress()));
    }

    /** RCPT TO: the recipient rate. */
    public SmtpReply recipient(InetAddress client, String nameAddress) {
        return rate(client, nameAddress, "recipient:", limits.recipientRate(), AnvilTexts.RECIPIENT_RATE,
                AnvilTexts.tooManyRecipients(client.getHostAddress()));
    }

    /** AUTH: the AUTH command rate. */
    public SmtpReply auth(InetAddress client, String nameAddress) {
        return rate(client, nameAddress, "auth:", limits.authRate(), AnvilTexts.AUTH_RATE,
                AnvilTexts.tooManyAuth(client.getHostAddress()));
    }

    /** STARTTLS or a TLS-wrapped connection: the rate of TLS handshakes, each a costly key exchange. */
    public SmtpReply newTlsSession(InetAddress client, String nameAddress) {
        return rate(client, nameAddress, "tls:", limits.newTlsSessionRate(), AnvilTexts.NEW_TLS_SESSION_RATE,
                AnvilTexts.tooManyNewTlsSessions(client.getHostAddress()));
    }

    private SmtpReply rate(InetAddress client, String nameAddress, String kind, int limit, String what,
            SmtpReply refusal) {
        if (limit <= 0 || exempt.test(client)) {
            return null;
        }
        long count;
        try {
            count = store.countEvent(kind + client.getHostAddress(), limits.unit());
        } catch (RuntimeException e) {
            storeFailed(e);
            return AnvilTexts.limitsUnavailable(refusal.code(), null);
        }
        if (count > limit) {
            warn(what, count, nameAddress);
            return refusal;
        }
        return null;
    }

    private void warn(String what, long count, String client) {
        if (log != null) {
            log.warning(AnvilTexts.exceeded(what, count, client, service));
        }
    }

    /** A Redis outage was logged once by the store; anything else is logged here. */
    private void storeFailed(RuntimeException e) {
        if (log != null && !(e instanceof RedisConnection.Unavailable)) {
            log.warning(AnvilTexts.storeFailed(String.valueOf(e.getMessage())));
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
