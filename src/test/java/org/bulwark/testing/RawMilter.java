package org.bulwark.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A milter that speaks the wire protocol frame by frame, for what a well-behaved milter library
 * never does: garbage, a frame over the size limit, hanging, closing mid-message, nonsense
 * replies. It negotiates as a version 6 milter wanting everything (unless told otherwise) and
 * answers each command with what the script gives; it counts its open connections, so a test can
 * tell that the client closed every one.
 */
public final class RawMilter implements AutoCloseable {

    /** What to answer to one command (the command byte and its data). */
    public sealed interface Answer { }

    /** Frames to send: each a reply code and its data. */
    public record Frames(List<byte[]> frames) implements Answer { }

    /** Bytes to send as they are (not a frame). */
    public record Raw(byte[] bytes) implements Answer { }

    /** Say nothing and keep reading (for commands that get no reply). */
    public record Silent() implements Answer { }

    /** Never answer (and keep the connection open). */
    public record Hang() implements Answer { }

    /** Close the connection. */
    public record Close() implements Answer { }

    public static final Answer CONTINUE = frames(frame('c'));

    private final ServerSocket server;
    private final Function<Byte, Answer> script;
    private final byte[] negotiation;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private RawMilter(Function<Byte, Answer> script, byte[] negotiation) throws IOException {
        this.server = new ServerSocket(FreePorts.next(), 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.negotiation = negotiation;
        Thread.ofVirtual().start(this::acceptLoop);
    }

    /** A milter negotiating version 6, all actions, all stages with replies. */
    public static RawMilter start(Function<Byte, Answer> script) throws IOException {
        return new RawMilter(script, optneg(6, 0x1ff, 0));
    }

    /** A milter with its own negotiation reply (a frame, as {@link #frame} makes). */
    public static RawMilter start(Function<Byte, Answer> script, byte[] negotiation) throws IOException {
        return new RawMilter(script, negotiation);
    }

    public static byte[] optneg(int version, int actions, int protocol) {
        return frame('O', intBytes(version), intBytes(actions), intBytes(protocol));
    }

    /** One frame: length, code, data. */
    public static byte[] frame(char code, byte[]... data) {
        int n = 1;
        for (byte[] d : data) {
            n += d.length;
        }
        byte[] f = new byte[4 + n];
        System.arraycopy(intBytes(n), 0, f, 0, 4);
        f[4] = (byte) code;
        int at = 5;
        for (byte[] d : data) {
            System.arraycopy(d, 0, f, at, d.length);
            at += d.length;
        }
        return f;
    }

    public static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    public static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    public static Answer frames(byte[]... frames) {
        return new Frames(List.of(frames));
    }

    public String endpoint() {
        return "inet:127.0.0.1:" + server.getLocalPort();
    }

    /** Connections the client has not closed yet. */
    public int openConnections() {
        return open.get();
    }

    public int acceptedConnections() {
        return accepted.get();
    }

    /** The commands received, as their letters ('O', 'C', 'H', ...), macros ('D') left out. */
    public List<String> commands() {
        return new ArrayList<>(commands);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                accepted.incrementAndGet();
                open.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
            while (true) {
                int n = in.readInt();
                byte command = in.readByte();
                in.readFully(new byte[n - 1]);
                if (command == 'D') {
                    continue;
                }
                commands.add(String.valueOf((char) command));
                if (command == 'O') {
                    out.write(negotiation);
                    out.flush();
                    continue;
                }
                if (command == 'Q') {
                    return;
                }
                // ABORT and QUIT_NC get no reply from a milter.
                Answer a = command == 'A' || command == 'K' ? new Silent() : script.apply(command);
                switch (a) {
                    case Frames f -> {
                        for (byte[] frame : f.frames()) {
                            out.write(frame);
                        }
                        out.flush();
                    }
                    case Raw r -> {
                        out.write(r.bytes());
                        out.flush();
                    }
                    case Silent x -> { }
                    case Hang h -> {
                        // Read on, answering nothing, until the client gives up and closes.
                        while (in.read() >= 0) {
                            // discard
                        }
                        return;
                    }
                    case Close c -> {
                        return;
                    }
                }
            }
        } catch (EOFException e) {
            // The client closed the connection.
        } catch (IOException e) {
            // Reset by the client: closed as well.
        } finally {
            open.decrementAndGet();
        }
    }

    /** Closes every connection from this side, as a milter that restarts or times out idle ones. */
    public void dropConnections() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
