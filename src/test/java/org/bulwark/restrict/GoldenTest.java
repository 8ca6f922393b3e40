package org.bulwark.restrict;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import java.time.Duration;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden table {@code smtpd_check.golden}: each probe (stage, client, helo, sender,
 * recipient, configuration) against the reply Postfix gives.
 */
class GoldenTest {

    private static final String FILE = "/restrict/smtpd_check.golden";

    record Probe(String section, int line, Map<String, String> config, Stage stage, String words,
            String expected, String expectedLog) {
        @Override
        public String toString() {
            return section + " (line " + line + "): " + stage + " " + words.strip();
        }
    }

    static List<Probe> probes() throws IOException {
        List<String> lines;
        try (InputStream in = GoldenTest.class.getResourceAsStream(FILE)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        Map<String, String> base = new LinkedHashMap<>();
        Map<String, String> current = base;
        String section = "";
        List<Probe> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("dns ")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line.substring(1, line.length() - 1);
                current = section.equals("base") ? base : new LinkedHashMap<>(base);
            } else if (line.startsWith("unset ")) {
                current.remove(line.substring(6).strip());
            } else if (line.contains(" => ")) {
                String[] parts = line.split(" => ", 2);
                String[] expectation = parts[1].split(" \\| log: ", 2);
                int space = parts[0].indexOf(' ');
                out.add(new Probe(section, i + 1, Map.copyOf(current),
                        Stage.valueOf(space < 0 ? parts[0] : parts[0].substring(0, space)),
                        space < 0 ? "" : parts[0].substring(space), expectation[0].strip(),
                        expectation.length > 1 ? expectation[1].strip() : null));
            } else {
                int eq = line.indexOf('=');
                current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    /**
     * The zone the probes are answered from: {@code dns TYPE name data...} lines anywhere in the
     * file; {@code dns SERVFAIL name} and {@code dns SILENT name} make a name fail.
     */
    private static TestDnsServer dns;
    private static DnsResolver resolver;

    @BeforeAll
    static void startDns() throws IOException {
        dns = TestDnsServer.start();
        try (InputStream in = GoldenTest.class.getResourceAsStream(FILE)) {
            for (String raw : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                String line = raw.strip();
                if (!line.startsWith("dns ")) {
                    continue;
                }
                String[] w = line.substring(4).strip().split("\\s+", 3);
                switch (w[0]) {
                    case "A" -> dns.addA(w[1], w[2]);
                    case "AAAA" -> dns.addAaaa(w[1], w[2]);
                    case "PTR" -> dns.addPtr(w[1], w[2]);
                    case "NS" -> dns.addNs(w[1], w[2]);
                    case "TXT" -> dns.addTxt(w[1], w[2]);
                    case "MX" -> {
                        String[] mx = w[2].split("\\s+");
                        dns.addMx(w[1], Integer.parseInt(mx[0]), mx[1]);
                    }
                    case "SERVFAIL" -> dns.servfail(w[1]);
                    case "SILENT" -> dns.silence(w[1]);
                    default -> throw new IllegalArgumentException("unknown dns line: " + line);
                }
            }
        }
        resolver = DnsResolver.create(List.of(dns.address()), Duration.ofMillis(300), 1);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    void answersAsPostfixDoes(Probe probe) {
        Config config = Config.of(new HashMap<>(probe.config()));
        check(probe, config, TestEnvironment.of(config, Path.of("."), resolver));
    }

    /** The same probes with the table layer's own domain classes, network lists and tables. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    void answersAsPostfixDoesWithTheRealTables(Probe probe) {
        Config config = Config.of(new HashMap<>(probe.config()));
        check(probe, config, Environment.of(config, resolver));
    }

    private static void check(Probe probe, Config config, Environment environment) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        MailLog.Logger logger = MailLog.to(new PrintStream(log, true, StandardCharsets.UTF_8), "mail.example.com",
                "postfix").program("smtpd");
        SmtpdRestrictions restrictions = new SmtpdRestrictions(config, environment, logger);

        Decision decision = restrictions.check(probe.stage(), Probes.context(probe.words()));

        String answer = decision instanceof Decision.Refuse refuse ? refuse.reply().toString()
                : decision instanceof Decision.Hangup ? "HANGUP" : "OK";
        assertThat(answer).isEqualTo(probe.expected());
        if (probe.expectedLog() != null) {
            assertThat(log.toString(StandardCharsets.UTF_8)).contains(probe.expectedLog());
        }
    }
}
