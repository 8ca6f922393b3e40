package org.bulwark.milter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Milter connections kept open between SMTP sessions (Bulwark's, not Postfix's: Postfix opens a
 * new connection to every milter for every session). At the end of a session a healthy
 * connection to a milter that speaks protocol 6 is sent SMFIC_QUIT_NC ("quit, new connection
 * follows": libmilter and rspamd forget the session and wait for the next SMFIC_CONNECT) and
 * parked here; the next session to the same milter with the same offer takes it instead of
 * connecting and negotiating again. Where one message is one SMTP session, that is a TCP
 * connection, a thread in the milter and a negotiation round trip saved per message.
 *
 * <p>A connection stays at most milter_connection_cache_time_limit. One the milter closed in the
 * meantime (a restart, its own idle timeout) shows it at the session's first exchange, SMFIC_CONNECT,
 * which then goes again over a new connection: nothing else of the session has been sent. For a
 * milter that does not answer connect (SMFIP_NR_CONN) a read that does not wait asks before the
 * connection is handed out.
 */
final class MilterConnectionCache {

    /**
     * What a session offers a milter in negotiation: a connection negotiated for one offer is
     * reused only for the same one (a reload that changes the protocol or the macro lists starts
     * new connections; the old ones expire).
     */
    record Key(MilterEndpoint endpoint, int version, int events, MacroLists macros) { }

    /** A parked connection and what its negotiation settled. */
    record Idle(SocketChannel channel, FrameReader in, OutputStream out, int version, int actions, int events,
            int noProtocolMask, MacroLists macros, long expiresAt) { }

    private static final Map<Key, Deque<Idle>> IDLE = new ConcurrentHashMap<>();

    private MilterConnectionCache() { }

    /** Parks a connection whose SMFIC_QUIT_NC has gone out. */
    static void park(Key key, Idle idle) {
        IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).addLast(idle);
    }

    /** The most recently parked live connection for this offer, or null: connect anew. */
    static Idle take(Key key) {
        Deque<Idle> parked = IDLE.get(key);
        if (parked == null) {
            return null;
        }
        long now = System.nanoTime();
        for (Idle idle = parked.pollLast(); idle != null; idle = parked.pollLast()) {
            // A milter that answers connect shows a connection it let go at that first answer, and the
            // session starts over on a new one; one that does not answer connect is asked here.
            boolean answersConnect = (idle.events() & MilterProtocol.P_NR_CONN) == 0;
            if (idle.expiresAt() - now > 0 && (answersConnect || stillOpen(idle.channel()))) {
                return idle;
            }
            close(idle);
        }
        return null;
    }

    /** Closes the connections parked longer than their time limit (the milter watchdog calls it). */
    static void expire() {
        long now = System.nanoTime();
        for (Deque<Idle> parked : IDLE.values()) {
            // Oldest first: the deque is in the order of parking, each with its own limit.
            for (Idle idle = parked.peekFirst(); idle != null && idle.expiresAt() - now <= 0; idle = parked.peekFirst()) {
                if (parked.removeFirstOccurrence(idle)) {
                    close(idle);
                }
            }
        }
    }

    /** How many connections to this milter (as written, e.g. inet:127.0.0.1:8891) are parked now, for tests. */
    static int parked(String milter) {
        return IDLE.entrySet().stream().filter(e -> e.getKey().endpoint().spec().equals(milter))
                .mapToInt(e -> e.getValue().size()).sum();
    }

    /** Closes every parked connection (for tests, and when the server stops). */
    static void closeAll() {
        for (Deque<Idle> parked : IDLE.values()) {
            for (Idle idle = parked.pollFirst(); idle != null; idle = parked.pollFirst()) {
                close(idle);
            }
        }
    }

    /**
     * Whether the milter has neither closed the connection nor sent anything unasked since it was
     * parked: one read that returns at once instead of waiting.
     */
    private static boolean stillOpen(SocketChannel channel) {
        try {
            channel.configureBlocking(false);
            int n = channel.read(ByteBuffer.allocate(1));
            channel.configureBlocking(true);
            return n == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void close(Idle idle) {
        try {
            // SMFIC_QUIT_NC went out at parking; the end of file is the milter's cue to let go of it.
            idle.channel().close();
        } catch (IOException e) {
            // A connection nobody waits for: nothing more to do.
        }
    }
}
