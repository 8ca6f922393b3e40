package org.bulwark.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.bulwark.dns.DnsResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark doctor [--json] [--dns-server ip[:port]]... [--relay-probe-from ip]...}: the
 * checklist; exit status 1 when a required check fails. Recommendations (MTA-STS, TLS-RPT, a block
 * list that refuses to answer) and checks this host cannot make do not change it.
 */
@Command(name = "doctor", description = "Check DNS (A, PTR, MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT), block lists, the TLS certificate, "
        + "the open relay test and the queue as a receiving provider sees them; say what to publish or fix.")
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Option(names = "--json", description = "one JSON object per check, in an array")
    boolean json;

    @Option(names = "--dns-server", paramLabel = "ip[:port]", description = "the resolver to ask (repeatable); "
            + "default: dns_servers in main.cf, else the system's resolver (/etc/resolv.conf), the normal choice "
            + "on a real host unless block lists refuse it")
    List<String> dnsServers = new ArrayList<>();

    @Option(names = "--relay-probe-from", paramLabel = "ip", description = "an address of this host the open relay "
            + "test may connect from (repeatable; the first outside mynetworks is used); default: this host's "
            + "addresses, the public ones first, then 127.0.0.2")
    List<String> probeSources = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        LoadedConfig loaded = ConfigLoader.load(configDirectory.resolve());
        Config config = loaded.main();
        if (!dnsServers.isEmpty()) {
            config = config.with(Map.of("dns_servers", String.join(" ", dnsServers)));
        }
        DnsResolver dns = DnsResolver.create(config);
        String resolver = resolverLine(config);
        List<Doctor.Check> checks = new Doctor(config, loaded.services(), sources(), dns, Clock.systemUTC()).run();
        if (json) {
            System.err.println(resolver);
            System.out.print(json(checks));
        } else {
            System.out.print(resolver + "\n" + text(checks));
        }
        return checks.stream().anyMatch(Doctor.Check::failed) ? 1 : 0;
    }

    private List<InetAddress> sources() {
        if (probeSources.isEmpty()) {
            return DoctorRelayCheck.hostSources();
        }
        List<InetAddress> out = new ArrayList<>();
        for (String source : probeSources) {
            List<InetAddress> address = DoctorHostChecks.literal(source);
            if (address.isEmpty()) {
                throw new ConfigException(DoctorTexts.notAnAddress("--relay-probe-from", source));
            }
            out.addAll(address);
        }
        return out;
    }

    /** Which resolver answered: said first, since every DNS check depends on it. */
    private String resolverLine(Config config) {
        if (!dnsServers.isEmpty()) {
            return DoctorTexts.resolver(String.join(", ", dnsServers), "--dns-server");
        }
        if (!config.list("dns_servers").isEmpty()) {
            return DoctorTexts.resolver(String.join(", ", config.list("dns_servers")), "dns_servers");
        }
        List<String> system = org.xbill.DNS.ResolverConfig.getCurrentConfig().servers().stream()
                .map(InetSocketAddress::getAddress).map(InetAddress::getHostAddress).toList();
        return DoctorTexts.systemResolver(system);
    }

    static String text(List<Doctor.Check> checks) {
        StringBuilder b = new StringBuilder();
        for (Doctor.Check c : checks) {
            b.append(!c.checked() ? "– " : c.ok() ? "✓ " : "✗ ").append(c.name()).append(": ").append(c.detail()).append('\n');
            if (!c.publish().isEmpty()) {
                b.append("    publish: ").append(c.publish().replace("\n", "\n             ")).append('\n');
            }
        }
        long required = checks.stream().filter(c -> c.required() && c.checked()).count();
        long failed = checks.stream().filter(Doctor.Check::failed).count();
        long advice = checks.stream().filter(c -> c.checked() && !c.ok() && !c.required()).count();
        long unchecked = checks.stream().filter(c -> !c.checked()).count();
        b.append(failed == 0 ? "all " + required + " checks passed" : failed + " of " + required + " checks failed")
                .append(unchecked == 0 ? "" : "; " + unchecked + " not checked from here (see the – line)")
                .append(advice == 0 ? "" : "; " + advice + " recommended " + (advice == 1 ? "record" : "records")
                        + " missing (these do not fail the run)")
                .append('\n');
        return b.toString();
    }

    /** {@code "ok": null} for a check that could not be made: neither passed nor failed. */
    static String json(List<Doctor.Check> checks) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < checks.size(); i++) {
            Doctor.Check c = checks.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("  {\"check\": ").append(QueueJson.quote(c.name()))
                    .append(", \"ok\": ").append(c.checked() ? String.valueOf(c.ok()) : "null")
                    .append(", \"required\": ").append(c.required())
                    .append(", \"detail\": ").append(QueueJson.quote(c.detail()))
                    .append(", \"publish\": ").append(QueueJson.quote(c.publish())).append('}');
        }
        return b.append("\n]\n").toString();
    }
}
