package org.bulwark.cli;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.bulwark.dns.DnsResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark doctor [--json]}: the checklist; exit status 1 when a check fails. */
@Command(name = "doctor", description = "Check DNS (A, PTR, MX, SPF, DKIM, DMARC), block lists, the TLS certificate "
        + "and the queue as a receiving provider sees them; say what to publish or fix.")
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Option(names = "--json", description = "one JSON object per check, in an array")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadedConfig loaded = ConfigLoader.load(configDirectory.resolve());
        Config config = loaded.main();
        List<Doctor.Check> checks = new Doctor(config, loaded.services(), DnsResolver.create(config),
                Clock.systemUTC()).run();
        System.out.print(json ? json(checks) : text(checks));
        return checks.stream().allMatch(Doctor.Check::ok) ? 0 : 1;
    }

    static String text(List<Doctor.Check> checks) {
        StringBuilder b = new StringBuilder();
        for (Doctor.Check c : checks) {
            b.append(c.ok() ? "✓ " : "✗ ").append(c.name()).append(": ").append(c.detail()).append('\n');
            if (!c.publish().isEmpty()) {
                b.append("    publish: ").append(c.publish()).append('\n');
            }
        }
        long failed = checks.stream().filter(c -> !c.ok()).count();
        b.append(failed == 0 ? "all " + checks.size() + " checks passed\n"
                : failed + " of " + checks.size() + " checks failed\n");
        return b.toString();
    }

    static String json(List<Doctor.Check> checks) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < checks.size(); i++) {
            Doctor.Check c = checks.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("  {\"check\": ").append(QueueJson.quote(c.name()))
                    .append(", \"ok\": ").append(c.ok())
                    .append(", \"detail\": ").append(QueueJson.quote(c.detail()))
                    .append(", \"publish\": ").append(QueueJson.quote(c.publish())).append('}');
        }
        return b.append("\n]\n").toString();
    }
}
