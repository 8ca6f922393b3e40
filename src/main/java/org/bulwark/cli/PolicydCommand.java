package org.bulwark.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.policy.Greylist;
import org.bulwark.policy.GreylistSettings;
import org.bulwark.policy.GreylistStore;
import org.bulwark.policy.PolicyServer;
import org.bulwark.policy.PolicyService;
import org.bulwark.restrict.SpfPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark policyd}: our built-in policies as a policy server for any Postfix
 * ({@code check_policy_service inet:127.0.0.1:10023}), so Postfix users can adopt them piece by
 * piece. The greylist parameters come from main.cf when the configuration directory exists.
 */
@Command(name = "policyd", description = "Serve the built-in policies (greylisting, SPF) to Postfix over the policy protocol.")
final class PolicydCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:10023",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--greylist", description = "greylist, with postgrey's semantics")
    boolean greylist;

    @Option(names = "--spf", description = "check SPF (RFC 7208) as postfix-policyd-spf does")
    boolean spf;

    @Option(names = "--delay", paramLabel = "TIME", description = "greylist delay, e.g. 60s (default: greylist_delay)")
    String delay;

    @Option(names = "--database", paramLabel = "SPEC",
            description = "greylist state: a file, memory: or redis://host:port/db (default: greylist_database)")
    String database;

    @Override
    public Integer call() throws Exception {
        if (!greylist && !spf) {
            System.err.println(DaemonTexts.policydNothingToServe());
            return 1;
        }
        Path dir = configDirectory.resolve();
        Config config = Files.isRegularFile(dir.resolve("main.cf")) ? ConfigLoader.load(dir).main() : Config.of(Map.of());
        GreylistSettings settings = GreylistSettings.from(config);
        SpfPolicy spfPolicy = spf ? new SpfPolicy(DnsResolver.create(config), config.get("myhostname").trim()) : null;
        if (delay != null) {
            settings = settings.withDelay(Config.of(Map.of("greylist_delay", delay)).time("greylist_delay"));
        }
        String spec = database != null ? database
                : config.isSet("greylist_database") ? config.get("greylist_database") : "memory:";
        InetSocketAddress address = address(listen);
        MailLog log = MailLog.open(config.get("maillog_file"), config.get("myhostname"), config.get("syslog_name"));
        GreylistStore store = greylist ? GreylistStore.open(spec, dir, log.program("policyd"))
                : GreylistStore.open("memory:", dir, null);
        PolicyService greylisting = greylist
                ? new Greylist(settings, store, Clock.systemDefaultZone(), log.program("policyd")) : null;
        PolicyServer server = new PolicyServer(address, combine(spfPolicy, greylisting), log.program("policyd"));
        server.start();
        System.err.println(DaemonTexts.policydListening(address.getAddress().getHostAddress(), server.port(),
                greylist ? settings.delay() : null, spf));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = Thread.ofPlatform().unstarted(() -> {
            server.close();
            store.close();
            log.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Stopped from within the process (an embedding program or a test): the same clean stop.
            Runtime.getRuntime().removeShutdownHook(stop);
            stop.run();
        }
        return 0;
    }

    /**
     * One answer for both policies (the protocol has one action per request): an SPF refusal
     * first, then the greylist's answer, then SPF's Received-SPF header.
     */
    private static PolicyService combine(SpfPolicy spf, PolicyService greylisting) {
        if (spf == null) {
            return greylisting;
        }
        if (greylisting == null) {
            return spf::decide;
        }
        return request -> {
            String spfAction = spf.decide(request);
            if (!spfAction.startsWith("PREPEND ") && !spfAction.equals("DUNNO")) {
                return spfAction;
            }
            String greylistAction = greylisting.decide(request);
            return greylistAction.equals("DUNNO") ? spfAction : greylistAction;
        };
    }

    private static InetSocketAddress address(String text) throws java.net.UnknownHostException {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(DaemonTexts.policydBadListen(text));
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(InetAddress.getByName(host.isEmpty() ? "127.0.0.1" : host),
                    Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DaemonTexts.policydBadListen(text));
        }
    }
}
