package org.bulwark.postscreen;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bulwark.log.MailLog;
import org.bulwark.smtpd.UpstreamProxy;
import org.bulwark.util.IpAddresses;

/**
 * One client's way through postscreen, on its own virtual thread: the access list, the cache,
 * the tests before the greeting (pregreet, DNS lists), the engine's tests after it, and at the end
 * the verdict: hand the connection to smtpd, or say the final reply and hang up. The order and the
 * log lines are postscreen's ({@code CONNECT}, {@code PASS NEW}, {@code DISCONNECT} ...).
 */
final class Screening {

    private final PostscreenServer.Setup setup;
    private final Settings settings;
    private final Socket socket;
    private final MailLog.Logger log;
    private final long started = System.nanoTime();

    private PostscreenServer.Counts counts;
    /** Whether this connection no longer counts among the client's screened ones (it went to smtpd). */
    private boolean leftScreening;
    private UpstreamProxy.Client proxied;
    private InetAddress client;
    private InetAddress server;
    /** {@code [ip]:port}, as every postscreen line names the client. */
    private String name;
    private String ip;
    private ClientInput input;
    private OutputStream out;

    // What the tests found.
    private TestStamps stamps;
    private final Set<TestKind> todo = EnumSet.noneOf(TestKind.class);
    private final Set<TestKind> passed = EnumSet.noneOf(TestKind.class);
    private final Set<TestKind> failed = EnumSet.noneOf(TestKind.class);
    private boolean denylisted;
    private boolean fresh;
    private boolean updated;
    private boolean noForward;
    private boolean hungUp;
    private String rcptReply = PostscreenTexts.TRY_AGAIN;
    private String finalReply = PostscreenTexts.FINAL_DEFAULT;
    private String phase = PostscreenTexts.EARLY_PHASE;
    private long phaseStarted = started;

    Screening(PostscreenServer.Setup setup, Socket socket, MailLog.Logger log) {
        this.setup = setup;
        this.settings = setup.settings();
        this.socket = socket;
        this.log = log;
    }

    void run(PostscreenServer.Counts counts) throws IOException {
        this.counts = counts;
        client = socket.getInetAddress();
        server = socket.getLocalAddress();
        if (settings.upstreamProxy() != null) {
            proxied = settings.upstreamProxy().receive(socket, log);
            if (proxied == null) {
                return; // never screen (or pass on) the proxy itself
            }
            client = proxied.address();
            server = proxied.serverAddress() == null ? server : proxied.serverAddress();
        }
        ip = IpAddresses.format(client);
        name = "[" + ip + "]:" + (proxied == null ? socket.getPort() : proxied.port());
        input = new ClientInput(socket.getInputStream());
        out = socket.getOutputStream();
        log.info(PostscreenTexts.connect(name, "[" + IpAddresses.format(server) + "]:"
                + (proxied == null ? socket.getLocalPort() : proxied.serverPort())));
        int concurrency = counts.connected(ip);
        try {
            screen(counts, concurrency);
        } finally {
            leaveScreening();
        }
    }

    private void screen(PostscreenServer.Counts counts, int concurrency) throws IOException {
        if (settings.clientConnectionLimit() > 0 && concurrency > settings.clientConnectionLimit()) {
            log.info(PostscreenTexts.tooManyConnections(name));
            drop(PostscreenTexts.TOO_MANY_CONNECTIONS);
            return;
        }
        if (settings.postQueueLimit() > 0 && counts.passedOn() >= settings.postQueueLimit()) {
            log.info(PostscreenTexts.serverPortsBusy(name));
            drop(PostscreenTexts.SERVER_PORTS_BUSY);
            return;
        }
        switch (settings.accessList().judge(client)) {
            case DENY -> {
                log.info(PostscreenTexts.denylisted(name, settings.respectfulLogging()));
                denylisted = true;
                switch (settings.denylistAction()) {
                    case DROP -> {
                        drop(PostscreenTexts.DENYLIST_DROP);
                        return;
                    }
                    case ENFORCE -> enforce(PostscreenTexts.DENYLIST_ENFORCE);
                    case IGNORE -> denylisted = false;
                }
            }
            case ALLOW -> {
                log.info(PostscreenTexts.allowlisted(name, settings.respectfulLogging()));
                conclude();
                return;
            }
            case NONE -> {
            }
        }
        long now = now();
        TestStamps cached = !denylisted && concurrency == 1 && setup.cache() != null ? setup.cache().lookup(ip) : null;
        stamps = cached != null ? cached : TestStamps.fresh(settings);
        fresh = cached == null && concurrency == 1;
        for (TestKind t : TestKind.values()) {
            if (stamps.due(t, settings, now)) {
                todo.add(t);
            }
        }
        if (cached != null && todo.isEmpty()) {
            log.info(PostscreenTexts.pass(false, name));
            conclude();
            return;
        }
        if (!settings.mayPassOn(server)) {
            noForward = true;
            log.info(PostscreenTexts.allowlistVeto(name, settings.respectfulLogging()));
        }
        if (settings.preQueueLimit() > 0 && counts.screening() >= settings.preQueueLimit()) {
            log.info(PostscreenTexts.screeningPortsBusy(name));
            drop(PostscreenTexts.SCREENING_PORTS_BUSY);
            return;
        }
        if (todo.contains(TestKind.PREGREET) || todo.contains(TestKind.DNSBL)) {
            if (!earlyTests()) {
                return;
            }
        }
        if (noForward || todo.stream().anyMatch(t -> t.deep() && !passed.contains(t))) {
            phase = PostscreenTexts.ENGINE_PHASE;
            phaseStarted = System.nanoTime();
            new Engine(this, settings, input, log).converse(!failed.contains(TestKind.PREGREET));
            return;
        }
        conclude();
    }

    /** The pregreet test and the DNS lists; false when the connection ended here. */
    private boolean earlyTests() throws IOException {
        boolean pregreet = todo.contains(TestKind.PREGREET);
        if (pregreet && settings.teaser() != null && !send(settings.teaser())) {
            hangup();
            return false;
        }
        CompletableFuture<DnsblSites.Score> dnsbl = todo.contains(TestKind.DNSBL)
                ? settings.dnsblSites().query(setup.dns(), client, settings.dnsblTimeout())
                : CompletableFuture.completedFuture(DnsblSites.Score.NONE);
        long deadline = started + settings.greetWait().toNanos();
        if (pregreet) {
            int read;
            try {
                socket.setSoTimeout(millisUntil(deadline));
                read = input.fill();
            } catch (SocketTimeoutException e) {
                read = 0;
            }
            if (read < 0) {
                hangup();
                return false;
            }
            if (read > 0) {
                log.info(PostscreenTexts.pregreet(input.available(), elapsed(started), name,
                        Engine.escape(input.unread(), 100)));
                failed.add(TestKind.PREGREET);
                switch (settings.greetAction()) {
                    case DROP -> {
                        drop(PostscreenTexts.PROTOCOL_ERROR_DROP);
                        return false;
                    }
                    case ENFORCE -> enforce(PostscreenTexts.PROTOCOL_ERROR_ENFORCE);
                    case IGNORE -> {
                    }
                }
            }
        }
        DnsblSites.Score score = awaitScore(dnsbl, pregreet ? deadline : started + settings.greetWait().toNanos());
        long now = now();
        if (pregreet) {
            if (!failed.contains(TestKind.PREGREET)) {
                pass(TestKind.PREGREET, now + settings.greetTtl().toSeconds());
            } else if (settings.greetAction() == Action.IGNORE) {
                failed.remove(TestKind.PREGREET); // not passed either: tested again next time
            }
        }
        if (todo.contains(TestKind.DNSBL)) {
            return judgeDnsbl(score, now);
        }
        return true;
    }

    private boolean judgeDnsbl(DnsblSites.Score score, long now) throws IOException {
        long ttl = dnsblTtl(score);
        if (failed.isEmpty() && !denylisted && settings.dnsblAllowlistThreshold() < 0
                && score.total() < settings.dnsblThreshold() && score.total() <= settings.dnsblAllowlistThreshold()) {
            // Allowlisted by the lists' combined score: the other tests count as passed for as long.
            for (TestKind t : TestKind.values()) {
                if (t != TestKind.DNSBL) {
                    if (todo.contains(t)) {
                        passed.add(t);
                        updated = true;
                    }
                    stamps.atLeast(t, now + ttl);
                }
            }
        }
        if (score.total() < settings.dnsblThreshold()) {
            pass(TestKind.DNSBL, now + ttl);
            return true;
        }
        log.info(PostscreenTexts.dnsblRank(score.total(), name));
        failed.add(TestKind.DNSBL);
        String list = score.listName() == null ? "" : score.listName();
        switch (settings.dnsblAction()) {
            case DROP -> {
                drop(PostscreenTexts.dnsblReply("521", ip, list));
                return false;
            }
            case ENFORCE -> enforce(PostscreenTexts.dnsblReply("550", ip, list));
            case IGNORE -> failed.remove(TestKind.DNSBL);
        }
        return true;
    }

    /** How long the lists' verdict holds: as their answers say, within postscreen_dnsbl_min_ttl and _max_ttl. */
    private long dnsblTtl(DnsblSites.Score score) {
        return score.ttl(settings.dnsblMinTtl(), settings.dnsblMaxTtl());
    }

    private static DnsblSites.Score awaitScore(CompletableFuture<DnsblSites.Score> score, long deadline) {
        try {
            return score.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // A list that has not answered by the end of the greet wait counts for nothing.
            return score.getNow(DnsblSites.Score.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DnsblSites.Score.NONE;
        }
    }

    // What the tests and the engine report.

    void pass(TestKind test, long until) {
        passed.add(test);
        stamps.passed(test, until);
        updated = true;
    }

    /** A failed deep test: taken again next time. */
    void failDeep(TestKind test) {
        failed.add(test);
        passed.remove(test);
        stamps.failed(test);
    }

    /** An ignored failure of a deep test: the client may pass, but only for the shortest test lifetime. */
    void ignoreDeep(TestKind test) {
        failed.remove(test);
        pass(test, now() + settings.minTtl().toSeconds());
    }

    boolean due(TestKind test) {
        return todo.contains(test) && !passed.contains(test) && !failed.contains(test);
    }

    /** Go on, but refuse every recipient with this reply and never pass the connection on. */
    void enforce(String reply) {
        rcptReply = reply;
        noForward = true;
    }

    String rcptReply() {
        return settings.softBounce() ? soften(rcptReply) : rcptReply;
    }

    String name() {
        return name;
    }

    /** Ends the connection with this reply (after the verdict is logged and cached). */
    void drop(String reply) throws IOException {
        noForward = true;
        finalReply = reply;
        conclude();
    }

    /** The client went away: Postfix's HANGUP line, then the verdict as far as it got. */
    void hangup() throws IOException {
        hungUp = true;
        noForward = true;
        log.info(PostscreenTexts.hangup(elapsed(phaseStarted), name, phase));
        conclude();
    }

    /**
     * The verdict (Postfix's psc_conclude): a client that passed every test it had to take is
     * logged PASS NEW or PASS OLD and cached; then the connection goes to smtpd, or hears the
     * final reply and is let go.
     */
    void conclude() throws IOException {
        if (!failed.isEmpty() || denylisted) {
            passed.clear();
        }
        // The cache first, and the client no longer counted at postscreen, before anything the
        // client or the log can see: its next connection, however soon, finds the pass.
        if (updated && stamps != null && setup.cache() != null && failed.isEmpty() && !denylisted) {
            setup.cache().update(ip, stamps, now());
        }
        leaveScreening();
        if (!passed.isEmpty() && passed.containsAll(todo)) {
            log.info(PostscreenTexts.pass(fresh, name));
        }
        if (!noForward) {
            passOn();
            return;
        }
        if (!hungUp) {
            send(finalReply);
        }
        log.info(PostscreenTexts.disconnect(name));
    }

    private void passOn() {
        try {
            socket.setSoTimeout(0);
        } catch (IOException e) {
            return; // gone already; smtpd would only log a lost connection
        }
        boolean served;
        counts.passing(true);
        try {
            served = setup.passTo(socket, proxied, input.unread());
        } finally {
            counts.passing(false);
        }
        if (!served) {
            send(PostscreenTexts.SERVER_PORTS_BUSY);
            log.info(PostscreenTexts.disconnect(name));
        }
    }

    /**
     * Postfix counts a client's connections at postscreen only: one that is ending, or that smtpd
     * serves now, must not make the client's next connection a concurrent one (which skips the cache).
     */
    private void leaveScreening() {
        if (!leftScreening && counts != null) {
            counts.disconnected(ip);
            leftScreening = true;
        }
    }

    boolean send(String reply) {
        try {
            out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String soften(String reply) {
        if (reply.length() > 4 && reply.charAt(0) == '5') {
            char[] c = reply.toCharArray();
            c[0] = '4';
            if (c[4] == '5') {
                c[4] = '4';
            }
            return new String(c);
        }
        return reply;
    }

    private static int millisUntil(long deadline) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000));
    }

    private static long now() {
        return epochSeconds();
    }

    static long epochSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    Socket socket() {
        return socket;
    }

    /** Seconds since {@code since}, as Postfix prints a delay: {@code 0.1}, {@code 1.2}, {@code 12}. */
    static String elapsed(long since) {
        double seconds = (System.nanoTime() - since) / 1e9;
        if (seconds >= 10) {
            return Long.toString(Math.round(seconds));
        }
        String s = String.format(java.util.Locale.ROOT, "%.2g", Math.max(seconds, 0.01));
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
