package org.bulwark.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bulwark.dns.DnsResolver;
import org.bulwark.mail.MailAddress;
import org.bulwark.testing.TestDnsServer;
import org.bulwark.util.Cidr;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * The OpenSPF RFC 7208 test suite (src/test/resources/spf/rfc7208-tests.yml, converted by
 * convert.py beside it), each scenario's zone served by a {@link TestDnsServer}.
 */
class SpfSuiteTest {

    private record Case(String name, String helo, String host, String mailFrom, List<String> results,
                        String explanation) {
    }

    private record Scenario(String description, List<String[]> zone, List<Case> cases) {
    }

    @Test
    void passesEveryCaseOfTheRfc7208Suite() throws Exception {
        List<Scenario> scenarios = load();
        List<String> failures = new ArrayList<>();
        int total = 0;
        for (Scenario scenario : scenarios) {
            try (TestDnsServer dns = TestDnsServer.start()) {
                for (String[] z : scenario.zone()) {
                    addRecord(dns, z);
                }
                DnsResolver resolver = DnsResolver.create(List.of(dns.address()), Duration.ofMillis(300), 1);
                Spf spf = new Spf(resolver, "receiver.example.org");
                for (Case c : scenario.cases()) {
                    total++;
                    InetAddress client = InetAddress.getByAddress(Cidr.literalBytes(c.host()));
                    SpfResult r = spf.check(client, c.helo(), MailAddress.of(c.mailFrom()));
                    String got = r.result().keyword();
                    boolean ok = c.results().contains(got);
                    if (ok && !c.explanation().isEmpty() && r.result() == SpfResult.Result.FAIL) {
                        String explanation = r.explanation().isEmpty() ? "DEFAULT" : r.explanation();
                        ok = explanation.equals(c.explanation());
                        got += " \"" + explanation + "\"";
                    }
                    if (!ok) {
                        failures.add(scenario.description() + " / " + c.name() + ": expected " + c.results()
                                + (c.explanation().isEmpty() ? "" : " \"" + c.explanation() + "\"") + ", got " + got
                                + " (" + r.receivedSpf() + ")");
                    }
                }
            }
        }
        System.out.println("RFC 7208 suite: " + (total - failures.size()) + " of " + total + " cases pass");
        assertThat(total).isEqualTo(203);
        assertThat(failures).isEmpty();
    }

    private static void addRecord(TestDnsServer dns, String[] z) throws Exception {
        String name = z[1];
        switch (z[2]) {
            case "TIMEOUT" -> dns.silenceWhenEmpty(name);
            case "A" -> dns.addA(name, z[3]);
            case "AAAA" -> dns.addAaaa(name, z[3]);
            case "PTR" -> dns.add(new org.xbill.DNS.PTRRecord(Name.fromString(name + "."), DClass.IN, 300,
                    Name.fromString(absolute(z[3]))));
            case "CNAME" -> dns.addCname(name, z[3]);
            case "MX" -> dns.addMx(name, Integer.parseInt(z[3]), z[4]);
            case "TXT" -> {
                List<String> strings = z.length > 3 ? Arrays.asList(z).subList(3, z.length) : List.of("");
                dns.add(new TXTRecord(Name.fromString(name + "."), DClass.IN, 300, strings));
            }
            default -> throw new IllegalArgumentException("unknown record type " + z[2]);
        }
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    private static List<Scenario> load() throws IOException {
        String text;
        try (InputStream in = SpfSuiteTest.class.getResourceAsStream("/spf/rfc7208-tests.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        List<Scenario> scenarios = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "scenario" -> scenarios.add(new Scenario(f[1], new ArrayList<>(), new ArrayList<>()));
                case "zone" -> scenarios.getLast().zone().add(f);
                case "test" -> scenarios.getLast().cases().add(new Case(f[1], unescape(f[2]), f[3], unescape(f[4]),
                        List.of(f[5].split(",")), unescape(f[6])));
                default -> throw new IllegalStateException("bad line: " + line);
            }
        }
        return scenarios;
    }

    /** convert.py writes bytes outside printable ASCII as \DDD. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("\\d{3}")) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4)));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
