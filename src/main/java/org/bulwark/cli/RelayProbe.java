package org.bulwark.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The open-relay probe's SMTP dialogue: from a given source address, EHLO, MAIL FROM and RCPT TO
 * a recipient in a domain that is not ours, then RSET and QUIT. DATA is never sent, so nothing is
 * relayed even when the server would.
 */
final class RelayProbe {

    static final String RECIPIENT = "relay-test@relay-test.example.com";
    private static final int TIMEOUT_MILLIS = 30_000;

    private RelayProbe() {
    }

    /** The reply to RCPT TO, or the first refusal before it. */
    static String probe(InetAddress source, InetSocketAddress server, String helo) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(server, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            String reply = reply(in);
            for (String command : List.of("EHLO " + helo, "MAIL FROM:<postmaster@" + helo + ">",
                    "RCPT TO:<" + RECIPIENT + ">")) {
                if (!reply.startsWith("2") && !reply.startsWith("3")) {
                    break;
                }
                reply = command(in, out, command);
            }
            try {
                command(in, out, "RSET");
                command(in, out, "QUIT");
            } catch (IOException e) {
                // The server may hang up after a refusal; the RCPT reply is what counts.
            }
            return reply;
        }
    }

    private static String command(BufferedReader in, OutputStream out, String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply(in);
    }

    /** The last line of a (multi-line, RFC 5321 §4.2.1) reply. */
    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
