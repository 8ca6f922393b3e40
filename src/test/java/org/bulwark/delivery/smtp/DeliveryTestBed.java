package org.bulwark.delivery.smtp;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.TestDnsServer;

/** What a delivery agent test stands on: a test DNS server, remote servers on loopback, a maillog to read. */
final class DeliveryTestBed implements AutoCloseable {

    final TestDnsServer dns;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.test", "postfix");

    private DeliveryTestBed(TestDnsServer dns) {
        this.dns = dns;
        closing.add(dns);
    }

    static DeliveryTestBed start() throws Exception {
        return new DeliveryTestBed(TestDnsServer.start());
    }

    /** A fake remote SMTP server, stopped with the bed. */
    FakeSmtpServer remote(FakeSmtpServer.Options options) throws Exception {
        return closeLater(FakeSmtpServer.start(options));
    }

    /**
     * An smtp delivery agent that finds remote servers through the test DNS server and connects to
     * {@code port}; {@code settings} are main.cf names and values, later ones winning.
     */
    SmtpDelivery agent(int port, String... settings) {
        return agent(null, port, settings);
    }

    /**
     * As {@link #agent(int, String...)}, handing each TLS session's outcome to {@code reports}
     * (null: to what smtp_tlsrpt_enable chooses).
     */
    SmtpDelivery agent(TlsSessionReports reports, int port, String... settings) {
        Map<String, String> values = new HashMap<>();
        values.put("myhostname", "mail.example.test");
        values.put("inet_protocols", "ipv4");
        values.put("dns_servers", dns.address());
        values.put("smtp_tcp_port", String.valueOf(port));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        Config config = Config.of(values);
        return closeLater(new SmtpDelivery(config, "smtp", DnsResolver.create(config), log, reports));
    }

    /** An lmtp delivery agent (master.cf command lmtp) that resolves names through the test DNS server. */
    SmtpDelivery lmtpAgent(String... settings) {
        Map<String, String> values = new HashMap<>();
        values.put("myhostname", "mail.example.test");
        values.put("inet_protocols", "ipv4");
        values.put("dns_servers", dns.address());
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        Config config = Config.of(values);
        return closeLater(SmtpDelivery.lmtp(config, "lmtp", DnsResolver.create(config), log));
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }
}
