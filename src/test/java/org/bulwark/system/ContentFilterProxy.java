package org.bulwark.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An after-queue content filter as FILTER_README describes one (amavisd-new's role): it takes
 * mail by SMTP on a loopback port, adds {@code X-Filtered: yes} at the top, sends it on to the
 * reinjection port with the same envelope, and answers the end of data with the reinjection's
 * reply, so a failure there is the queue manager's to retry. Made to forward the client, it
 * announces XFORWARD, as amavisd-new does, and repeats the XFORWARD commands it got to the
 * reinjection port before MAIL FROM.
 */
final class ContentFilterProxy implements AutoCloseable {

    /** One message as it passed: envelope sender, recipients, and the reinjection's reply. */
    record Passed(String sender, List<String> recipients, String reinjectionReply) {
    }

    private final ServerSocket server;
    private final int reinjectionPort;
    private final List<Passed> passed = new CopyOnWriteArrayList<>();
    private final boolean forwardsClient;
    private final List<String> xforward = new CopyOnWriteArrayList<>();

    ContentFilterProxy(int reinjectionPort) throws IOException {
        this(reinjectionPort, false);
    }

    /** @param forwardsClient announce XFORWARD and pass its commands on to the reinjection */
    ContentFilterProxy(int reinjectionPort, boolean forwardsClient) throws IOException {
        this.reinjectionPort = reinjectionPort;
        this.forwardsClient = forwardsClient;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    List<Passed> passed() {
        return List.copyOf(passed);
    }

    /** The XFORWARD commands received, as sent. */
    List<String> xforward() {
        return List.copyOf(xforward);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = client.getOutputStream();
            write(out, "220 filter.test ESMTP content filter");
            String sender = null;
            List<String> recipients = new ArrayList<>();
            List<String> forwarded = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.startsWith("EHLO") && forwardsClient) {
                    write(out, "250-filter.test\r\n250 XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT");
                } else if (upper.startsWith("XFORWARD") && forwardsClient) {
                    xforward.add(line);
                    forwarded.add(line);
                    write(out, "250 2.0.0 Ok");
                } else if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                    write(out, "250 filter.test");
                } else if (upper.startsWith("MAIL FROM:")) {
                    sender = path(line.substring(10));
                    recipients.clear();
                    write(out, "250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    recipients.add(path(line.substring(8)));
                    write(out, "250 2.1.5 Ok");
                } else if (upper.equals("DATA")) {
                    write(out, "354 End data with <CR><LF>.<CR><LF>");
                    StringBuilder content = new StringBuilder("X-Filtered: yes\r\n");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        content.append(line).append("\r\n"); // still dot-stuffed: sent on as it came
                    }
                    String reply = reinject(forwarded, sender, recipients, content.toString());
                    forwarded.clear();
                    passed.add(new Passed(sender, List.copyOf(recipients), reply));
                    write(out, reply.startsWith("250") ? "250 2.0.0 Ok: filtered" : "451 4.3.0 reinjection failed");
                } else if (upper.equals("QUIT")) {
                    write(out, "221 2.0.0 Bye");
                    return;
                } else {
                    write(out, "250 2.0.0 Ok");
                }
            }
        } catch (IOException e) {
            // The queue manager's session ended; nothing to report.
        }
    }

    private String reinject(List<String> forwarded, String sender, List<String> recipients, String stuffedContent)
            throws IOException {
        try (SmtpDialogue smtp = new SmtpDialogue(reinjectionPort, "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO filter.test");
            for (String command : forwarded) {
                // A refusal changes nothing but the client the reinjection records.
                smtp.command(command);
            }
            String reply = smtp.command("MAIL FROM:<" + sender + ">");
            for (String recipient : recipients) {
                String r = smtp.command("RCPT TO:<" + recipient + ">");
                if (!r.startsWith("250")) {
                    reply = r;
                }
            }
            if (!reply.startsWith("250")) {
                return reply;
            }
            smtp.command("DATA");
            reply = smtp.command(stuffedContent + ".");
            smtp.command("QUIT");
            return reply;
        }
    }

    private static String path(String argument) {
        String s = argument.strip();
        int close = s.indexOf('>');
        return s.startsWith("<") && close > 0 ? s.substring(1, close) : s.split(" ")[0];
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
