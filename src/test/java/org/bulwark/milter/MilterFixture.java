package org.bulwark.milter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;

/** What the milter tests share: a configuration with milters, a captured maillog, a message. */
final class MilterFixture {

    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final MailLog.Logger log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8),
            "mx.example.test", "postfix").program("smtpd");

    static Milters milters(String smtpdMilters, String... settings) {
        Map<String, String> values = new HashMap<>();
        values.put("myhostname", "mx.example.test");
        values.put("smtpd_milters", smtpdMilters);
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return Milters.fromConfig(Config.of(values), "smtpd_milters");
    }

    String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    static MilterFacts.Client client() {
        return new MilterFacts.Client("client.example.org", "client.example.org", "127.0.0.1", 40000, "127.0.0.1", 25);
    }

    static MessageContent message(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new MessageContent(List.of(new MessageContent.Header("From", " a@example.org"),
                new MessageContent.Header("To", " b@example.net"),
                new MessageContent.Header("Subject", " hello\r\n\tfolded")),
                () -> new ByteArrayInputStream(bytes));
    }

    /** A whole transaction up to and including the message; returns its result. */
    static MessageResult transaction(MilterSession session, String body) {
        session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
        session.rcpt(MilterFacts.Address.of("b@example.net"), List.of());
        session.data("4ABCDEF123");
        return session.message(message(body));
    }
}
