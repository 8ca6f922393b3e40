package org.bulwark.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A scripted SMTP client over a real socket, optionally from a chosen loopback address (to play a
 * client outside mynetworks). {@link #send} writes raw text; {@link #reply} reads one whole reply.
 */
final class SmtpDialogue implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    SmtpDialogue(int port, String fromAddress) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
        socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    SmtpDialogue send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Sends one command line (CRLF added) and returns the reply. */
    String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** Reads one reply, all its lines joined by "\n"; "" when the server closed the connection. */
    String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            reply.append(reply.isEmpty() ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        return reply.toString();
    }

    /**
     * Greeting, EHLO, MAIL and RCPT from a loopback address, then QUIT: the RCPT reply, or the
     * first reply before it that refuses.
     */
    static String rcpt(int port, String from, String helo, String sender, String recipient) throws IOException {
        return transaction(port, from, helo, sender, recipient, null);
    }

    /**
     * A whole transaction from a loopback address, then QUIT: the reply to the end of the data, or
     * the first reply before it that refuses. {@code content} has LF line ends.
     */
    static String send(int port, String from, String helo, String sender, String recipient, String content)
            throws IOException {
        return transaction(port, from, helo, sender, recipient, content);
    }

    private static String transaction(int port, String from, String helo, String sender, String recipient,
            String content) throws IOException {
        try (SmtpDialogue smtp = new SmtpDialogue(port, from)) {
            String reply = smtp.reply();
            if (reply.startsWith("2")) {
                reply = smtp.command("EHLO " + helo);
            }
            if (reply.startsWith("2")) {
                reply = smtp.command("MAIL FROM:<" + sender + ">");
            }
            if (reply.startsWith("2")) {
                reply = smtp.command("RCPT TO:<" + recipient + ">");
            }
            if (content != null && reply.startsWith("2")) {
                reply = smtp.command("DATA");
                if (reply.startsWith("3")) {
                    String text = content.endsWith("\n") ? content : content + "\n";
                    // Dot-stuffing (RFC 5321 §4.5.2), then the end of the data.
                    text = (text.startsWith(".") ? "." : "") + text.replace("\n.", "\n..");
                    reply = smtp.command(text.replace("\n", "\r\n") + ".");
                }
            }
            try {
                smtp.command("QUIT");
            } catch (IOException e) {
                // The server may have closed the connection already (421): the reply is what counts.
            }
            return reply;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
