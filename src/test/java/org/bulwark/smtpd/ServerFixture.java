package org.bulwark.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;

/** A server on a free loopback port with an explicit configuration and a captured maillog. */
final class ServerFixture implements AutoCloseable {

    static final String HOST = "mx.example.org";

    final RecordingIntake intake = new RecordingIntake();
    final SmtpServer server;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    ServerFixture(Map<String, String> overrides) throws IOException {
        this(overrides, new RelayCheck("127.0.0.1/32", "example.org"), 100);
    }

    ServerFixture(Map<String, String> overrides, RestrictionCheck restrictions, int maxproc) throws IOException {
        this(overrides, restrictions, maxproc, ClientNameLookup.NONE);
    }

    ServerFixture(Map<String, String> overrides, RestrictionCheck restrictions, int maxproc, ClientNameLookup names)
            throws IOException {
        Map<String, String> values = new HashMap<>();
        values.put("myhostname", HOST);
        values.put("mail_name", "Bulwark");
        values.put("smtpd_banner", "$myhostname ESMTP $mail_name");
        values.put("myorigin", "example.org");
        values.put("mynetworks", "127.0.0.1/32");
        values.put("smtpd_peername_lookup", "no");
        values.put("message_size_limit", "10240000");
        values.put("smtpd_recipient_limit", "1000");
        values.put("smtpd_timeout", "30s");
        values.put("smtpd_hard_error_limit", "20");
        values.put("smtpd_soft_error_limit", "10");
        values.put("smtpd_error_sleep_time", "0s");
        values.put("smtpd_helo_required", "no");
        values.put("line_length_limit", "2048");
        values.put("smtpd_forbid_bare_newline", "normalize");
        values.putAll(overrides);
        MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), HOST, "postfix");
        server = new SmtpServer(Config.of(values), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                maxproc, log, new SmtpServer.Collaborators(intake, restrictions, names, null));
        server.start();
    }

    int port() {
        return server.port();
    }

    SmtpClient client() throws IOException {
        return new SmtpClient(port());
    }

    /** The maillog so far. */
    String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** The maillog once every session has ended (so its disconnect line is there). */
    String logAfterSessions() throws InterruptedException {
        for (int i = 0; i < 500 && server.activeSessions() > 0; i++) {
            Thread.sleep(10);
        }
        return log();
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
    }
}
