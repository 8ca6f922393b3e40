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
import java.util.Map;
import java.util.Optional;
import org.bulwark.config.ServiceEntry;

/**
 * The open-relay self-test of {@code bulwark doctor}: an SMTP transaction from 127.0.0.2, an
 * address outside a sensible {@code mynetworks}, to a recipient in a domain that is not ours. The
 * server must refuse the recipient; a 250 means anyone may send through it.
 */
final class RelayProbe {

    /** The untrusted source address; all of 127.0.0.0/8 reaches the loopback interface on Linux. */
    static final String SOURCE = "127.0.0.2";
    static final String RECIPIENT = "relay-test@relay-test.example.com";
    private static final int TIMEOUT_MILLIS = 30_000;
    private static final Map<String, Integer> PORTS = Map.of("smtp", 25, "submission", 587, "smtps", 465);

    private RelayProbe() {
    }

    /** The address of the first inet smtpd service (Postfix's "smtp" on port 25), as seen from this host. */
    static Optional<InetSocketAddress> target(List<ServiceEntry> services) {
        for (ServiceEntry service : services) {
            if (!service.type().equals("inet") || !service.command().equals("smtpd")) {
                continue;
            }
            String name = service.service();
            int colon = name.lastIndexOf(':');
            String host = colon < 0 ? "" : name.substring(0, colon).replaceAll("^\\[|\\]$", "");
            String port = colon < 0 ? name : name.substring(colon + 1);
            Integer number = port.matches("\\d+") ? Integer.valueOf(port) : PORTS.get(port);
            if (number == null || service.overrides().getOrDefault("smtpd_tls_wrappermode", "no").equals("yes")) {
                continue;
            }
            return Optional.of(new InetSocketAddress(host.isEmpty() || host.equals("*") ? "127.0.0.1" : host, number));
        }
        return Optional.empty();
    }

    /** The reply to RCPT TO, or the first refusal before it. */
    static String probe(InetSocketAddress server, String helo) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(SOURCE), 0));
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
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                reply = reply(in);
            }
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply;
        }
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
