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

/**
 * {@code bulwark doctor [--json]}: the checklist; exit status 1 when a required check fails.
 * Recommendations (MTA-STS, TLS-RPT, a block list that refuses to answer) do not change it.
 */
@Command(name = "doctor", description = "Check DNS (A, PTR, MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT), block lists, the TLS certificate "
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
        return checks.stream().anyMatch(Doctor.Check::failed) ? 1 : 0;
    }

    static String text(List<Doctor.Check> checks) {
        StringBuilder b = new StringBuilder();
        for (Doctor.Check c : checks) {
            b.append(c.ok() ? "✓ " : "✗ ").append(c.name()).append(": ").append(c.detail()).append('\n');
            if (!c.publish().isEmpty()) {
                b.append("    publish: ").append(c.publish()).append('\n');
            }
        }
        long required = checks.stream().filter(Doctor.Check::required).count();
        long failed = checks.stream().filter(Doctor.Check::failed).count();
        long advice = checks.stream().filter(c -> !c.ok() && !c.required()).count();
        b.append(failed == 0 ? "all " + required + " checks passed" : failed + " of " + required + " checks failed")
                .append(advice == 0 ? "" : "; " + advice + " recommended " + (advice == 1 ? "record" : "records")
                        + " missing (these do not fail the run)")
                .append('\n');
        return b.toString();
    }

    static String json(List<Doctor.Check> checks) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < checks.size(); i++) {
            Doctor.Check c = checks.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("  {\"check\": ").append(QueueJson.quote(c.name()))
                    .append(", \"ok\": ").append(c.ok())
                    .append(", \"required\": ").append(c.required())
                    .append(", \"detail\": ").append(QueueJson.quote(c.detail()))
                    .append(", \"publish\": ").append(QueueJson.quote(c.publish())).append('}');
        }
        return b.append("\n]\n").toString();
    }
}
