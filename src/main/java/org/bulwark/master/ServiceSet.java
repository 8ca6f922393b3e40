package org.bulwark.master;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.anvil.Anvil;
import org.bulwark.anvil.CounterStore;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.LoadedConfig;
import org.bulwark.config.ServiceEntry;
import org.bulwark.delivery.discard.DiscardDelivery;
import org.bulwark.delivery.local.Forwarder;
import org.bulwark.delivery.local.LocalDelivery;
import org.bulwark.delivery.pipe.PipeDelivery;
import org.bulwark.delivery.smtp.SmtpDelivery;
import org.bulwark.delivery.virtual.VirtualDelivery;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.pickup.Pickup;
import org.bulwark.postscreen.PostscreenServer;
import org.bulwark.qmgr.QueueManager;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.MailQueue;
import org.bulwark.restrict.SmtpdRestrictions;
import org.bulwark.rewrite.AddressResolver;
import org.bulwark.smtpd.SmtpServer;
import org.bulwark.spawn.SpawnService;
import org.bulwark.verify.AddressVerifier;
import org.bulwark.verify.ProbeSubmitter;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.Recipient;
import java.time.Instant;

/**
 * The services of one reading of main.cf and master.cf (with their tables): what
 * {@code bulwark reload} builds anew and swaps in whole, or not at all. The queue, the log and the
 * client counters belong to the running system and outlive a reload.
 */
final class ServiceSet {

    private final List<SmtpServer> smtpServers = new ArrayList<>();
    /** The master.cf line of each listener, for a bind failure's message. */
    private final Map<SmtpServer, ServiceEntry> serviceLines = new HashMap<>();
    private final QueueManager queueManager;
    private final List<SmtpDelivery> smtpAgents = new ArrayList<>();
    private final Pickup pickup;
    private final List<SmtpdRestrictions> restrictionSets = new ArrayList<>();
    private final List<SpawnService> spawnServices = new ArrayList<>();
    /** verify(8), when master.cf has it: shared by the smtpd services' restrictions and the queue manager. */
    private AddressVerifier verifier;
    /** smtpd services of type pass, by name: they serve the clients postscreen passes, and listen on nothing. */
    private final Map<String, SmtpServer> passServers = new HashMap<>();
    private final List<PostscreenServer> postscreens = new ArrayList<>();
    private final Map<PostscreenServer, ServiceEntry> postscreenLines = new HashMap<>();

    /** Builds, but does not start, every service master.cf asks for. */
    ServiceSet(LoadedConfig loaded, MailLog log, MailQueue queue, CounterStore counters) {
        Config main = loaded.main();
        MissingServices.check(main, loaded.services());
        Cleanup cleanup = new Cleanup(main, queue, log);
        DnsResolver dns = DnsResolver.create(main);

        Map<String, DeliveryAgent> agents = new HashMap<>();
        ServiceEntry qmgrService = null;
        ServiceEntry verifyService = loaded.services().stream()
                .filter(s -> s.command().equals("verify")
                        && s.service().equals(main.get("address_verify_service_name").strip()))
                .findFirst().orElse(null);
        ServiceEntry pickupService = null;
        List<ServiceEntry> smtpdServices = new ArrayList<>();
        List<ServiceEntry> postscreenServices = new ArrayList<>();
        // Cleanup services by name: their -o overrides (header_checks ...) apply where cleanup_service_name points.
        Map<String, Map<String, String>> cleanupServices = new HashMap<>();
        try {
            if (verifyService != null) {
                verifier = AddressVerifier.open(main.with(verifyService), probes(cleanup.internal()),
                        log.program("verify"));
            }
            for (ServiceEntry service : loaded.services()) {
                Config config = main.with(service);
                switch (service.command()) {
                    case "smtpd" -> {
                        if (!service.type().equals("inet") && !service.type().equals("pass")) {
                            continue; // refused at load (config.Vocabulary): a unix-socket smtpd is not built
                        }
                        smtpdServices.add(service);
                    }
                    case "postscreen" -> postscreenServices.add(service);
                    case "local" -> agents.put(service.service(),
                            new LocalDelivery(config, Forwarder.through(cleanup.internal()), agents::get));
                    case "virtual" -> agents.put(service.service(), new VirtualDelivery(config));
                    case "smtp" -> {
                        if (service.type().equals("unix")) { // the smtp and relay transports; inet smtp is the server
                            SmtpDelivery smtp = new SmtpDelivery(config, service.service(), dns, log);
                            smtpAgents.add(smtp);
                            agents.put(service.service(), smtp);
                        }
                    }
                    case "lmtp" -> {
                        SmtpDelivery lmtp = SmtpDelivery.lmtp(config, service.service(), dns, log);
                        smtpAgents.add(lmtp);
                        agents.put(service.service(), lmtp);
                    }
                    case "discard" -> agents.put(service.service(), new DiscardDelivery(service.service()));
                    case "pipe" -> agents.put(service.service(), new PipeDelivery(service, config));
                    case "qmgr", "oqmgr" -> qmgrService = service;
                    case "pickup" -> pickupService = service;
                    case "cleanup" -> cleanupServices.put(service.service(), service.overrides());
                    case "spawn" -> {
                        if (service.type().equals("inet")) {
                            for (InetSocketAddress address : ListenAddresses.of(service, config)) {
                                spawnServices.add(SpawnService.of(service, config, log, address));
                            }
                        } else {
                            spawnServices.add(SpawnService.of(service, config, log));
                        }
                    }
                    default -> {
                        // The loader (config.Vocabulary) lets through only what runs in-process (bounce, defer,
                        // trace, error and retry inside qmgr) or what no mail is routed to
                    }
                }
            }
            checkContentFilter(main, null, agents);
            for (ServiceEntry service : loaded.services()) {
                if (service.command().equals("smtpd") || service.command().equals("pickup")) {
                    checkContentFilter(main.with(service), service, agents);
                }
            }
            queueManager = qmgrService == null ? null
                    : new QueueManager(main.with(qmgrService), queue, agents, log,
                            QueueManager.Collaborators.of(new AddressResolver(main), cleanup.internal())
                                    .withVerifier(verifier));
            pickup = pickupService == null ? null
                    : new Pickup(main.with(pickupService), queue,
                            cleanupFor(cleanup, main.with(pickupService), cleanupServices), log);
            for (ServiceEntry service : smtpdServices) {
                Config config = main.with(service);
                MailLog serviceLog = log.named(config.get("syslog_name")); // -o syslog_name=postfix/submission
                Anvil anvil = Anvil.from(config, counters, service.service(), serviceLog.program("smtpd"));
                SmtpdRestrictions restrictions = new SmtpdRestrictions(config, dns, serviceLog.program("smtpd"), verifier);
                restrictionSets.add(restrictions);
                int maxproc = service.maxproc().equals("-")
                        ? config.integer("default_process_limit") : Integer.parseInt(service.maxproc());
                if (service.type().equals("pass")) {
                    passServers.put(service.service(), new SmtpServer(config, null, maxproc, serviceLog,
                            SmtpServer.Collaborators.of(cleanupFor(cleanup, config, cleanupServices), restrictions,
                                    dns, anvil, serviceLog)));
                    continue;
                }
                for (InetSocketAddress address : ListenAddresses.of(service, config)) {
                    SmtpServer server = new SmtpServer(config, address, maxproc, serviceLog,
                            SmtpServer.Collaborators.of(cleanupFor(cleanup, config, cleanupServices), restrictions,
                                    dns, anvil, serviceLog));
                    smtpServers.add(server);
                    serviceLines.put(server, service);
                }
            }
            for (ServiceEntry service : postscreenServices) {
                buildPostscreen(service, main.with(postscreenOverrides(service)), log, dns);
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /**
     * The postscreen line's -o overrides; its own {@code -o smtpd_upstream_proxy_protocol=haproxy}
     * means postscreen's, as the client it names is the one handed to smtpd. A main.cf value meant
     * for other smtpd services does not.
     */
    private static Map<String, String> postscreenOverrides(ServiceEntry service) {
        Map<String, String> overrides = new HashMap<>(service.overrides());
        for (String name : List.of("protocol", "timeout")) {
            String own = overrides.get("smtpd_upstream_proxy_" + name);
            if (own != null) {
                overrides.putIfAbsent("postscreen_upstream_proxy_" + name, own);
            }
        }
        return overrides;
    }

    /** A postscreen listener per address, handing clients to the pass service its smtpd_service_name names. */
    private void buildPostscreen(ServiceEntry service, Config config, MailLog log, DnsResolver dns) {
        String passName = PostscreenServer.passServiceName(config);
        SmtpServer smtpd = passServers.get(passName);
        if (smtpd == null) {
            throw new ConfigException(service.file(), service.line(), MasterTexts.noPassService(passName));
        }
        MailLog serviceLog = log.named(config.get("syslog_name"));
        try {
            for (InetSocketAddress address : ListenAddresses.of(service, config)) {
                PostscreenServer server = new PostscreenServer(config, address, smtpd, dns, serviceLog);
                postscreens.add(server);
                postscreenLines.put(server, service);
            }
        } catch (ConfigException e) {
            throw e.locatedIn(config);
        }
    }

    /**
     * A content_filter whose transport no master.cf service delivers with would defer every
     * message it names; refused at start, with the line, rather than found in the queue later.
     */
    /** The cleanup a smtpd or pickup service hands its mail to: its cleanup_service_name's overrides on top. */
    private static Cleanup cleanupFor(Cleanup cleanup, Config service, Map<String, Map<String, String>> cleanups) {
        return cleanup.forService(service, cleanups.getOrDefault(service.get("cleanup_service_name"), Map.of()));
    }

    private static void checkContentFilter(Config config, ServiceEntry service, Map<String, DeliveryAgent> agents) {
        String filter = config.get("content_filter").strip();
        if (filter.isEmpty() || service != null && !service.overrides().containsKey("content_filter")) {
            return;
        }
        int colon = filter.indexOf(':');
        String transport = colon < 0 ? filter : filter.substring(0, colon);
        if (agents.containsKey(transport)) {
            return;
        }
        String message = MasterTexts.unknownFilterTransport(filter, transport);
        if (service != null) {
            throw new ConfigException(service.file(), service.line(), message);
        }
        throw new ConfigException(message).locatedIn(config);
    }

    /** Starts every service; on failure stops those already started. */
    void start() throws IOException {
        try {
            // Policy servers first: an smtpd may ask one as soon as it listens.
            for (SpawnService spawn : spawnServices) {
                spawn.start();
            }
            if (queueManager != null) {
                queueManager.start();
            }
            if (pickup != null) {
                pickup.start();
            }
            for (SmtpServer server : smtpServers) {
                bind(server);
            }
            for (PostscreenServer server : postscreens) {
                bind(server);
            }
        } catch (IOException | RuntimeException e) {
            stop(Duration.ZERO);
            throw e;
        }
    }

    private void bind(PostscreenServer server) throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            ServiceEntry service = postscreenLines.get(server);
            throw new IOException(MasterTexts.cannotBind(server.listenAddress(), e.getMessage(),
                    service.file(), service.line()), e);
        }
    }

    /**
     * Takes over from {@code old}: a listener on an address both sets have keeps its socket and
     * hands new connections to the new settings; listeners on new addresses are bound before those
     * on addresses no longer configured close, and only then does the queue manager change hands
     * (two must never deliver from one queue). Sessions and deliveries under way finish on the old
     * settings; the old set's resources are released once they are done.
     */
    void takeOver(ServiceSet old, Duration grace) throws IOException {
        List<SmtpServer> retiring = new ArrayList<>(old.smtpServers);
        List<SmtpServer> bound = new ArrayList<>();
        List<SmtpServer> serving = new ArrayList<>();
        List<java.util.function.Supplier<java.util.function.BooleanSupplier>> adoptions = new ArrayList<>();
        List<SpawnService> retiringSpawn = new ArrayList<>(old.spawnServices);
        List<SpawnService> spawnBound = new ArrayList<>();
        List<Runnable> spawnAdoptions = new ArrayList<>();
        List<SpawnService> spawnServing = new ArrayList<>();
        List<PostscreenServer> retiringScreens = new ArrayList<>(old.postscreens);
        List<PostscreenServer> screensBound = new ArrayList<>();
        List<PostscreenServer> screensServing = new ArrayList<>();
        List<java.util.function.Supplier<Runnable>> screenAdoptions = new ArrayList<>();
        try {
            for (PostscreenServer fresh : postscreens) {
                PostscreenServer same = retiringScreens.stream()
                        .filter(s -> s.listenAddress().equals(fresh.listenAddress())).findFirst().orElse(null);
                if (same == null) {
                    bind(fresh);
                    screensBound.add(fresh);
                    screensServing.add(fresh);
                } else {
                    retiringScreens.remove(same);
                    screenAdoptions.add(() -> same.adopt(fresh));
                    screensServing.add(same);
                }
            }
            // A spawn socket both sets have stays bound (its clients never find it missing).
            for (SpawnService fresh : spawnServices) {
                SpawnService same = retiringSpawn.stream()
                        .filter(s -> s.endpoint().equals(fresh.endpoint())).findFirst().orElse(null);
                if (same == null) {
                    fresh.start();
                    spawnBound.add(fresh);
                    spawnServing.add(fresh);
                } else {
                    retiringSpawn.remove(same);
                    spawnAdoptions.add(() -> same.adopt(fresh));
                    spawnServing.add(same);
                }
            }
            for (SmtpServer fresh : smtpServers) {
                SmtpServer same = retiring.stream()
                        .filter(s -> s.listenAddress().equals(fresh.listenAddress())).findFirst().orElse(null);
                if (same == null) {
                    bind(fresh);
                    bound.add(fresh);
                    serving.add(fresh);
                } else {
                    retiring.remove(same);
                    adoptions.add(() -> same.adopt(fresh));
                    serving.add(same);
                }
            }
        } catch (IOException | RuntimeException e) {
            bound.forEach(SmtpServer::close);
            screensBound.forEach(PostscreenServer::close);
            spawnBound.forEach(SpawnService::retire);
            release();
            throw e;
        }
        spawnAdoptions.forEach(Runnable::run);
        spawnServices.clear();
        spawnServices.addAll(spawnServing);
        retiringSpawn.forEach(SpawnService::retire);
        // Adopted only after every bind succeeded, so that a failed bind leaves the old set whole.
        List<java.util.function.BooleanSupplier> oldSessionsDone = adoptions.stream().map(a -> a.get()).toList();
        smtpServers.clear();
        smtpServers.addAll(serving);
        List<Runnable> oldScreenCaches = screenAdoptions.stream().map(a -> a.get()).toList();
        postscreens.clear();
        postscreens.addAll(screensServing);
        if (old.pickup != null) {
            old.pickup.stop();
        }
        // The old manager's deliveries finish on their own; the new manager starts at once, their
        // claims keeping it off those messages.
        java.util.function.BooleanSupplier oldDeliveriesDone = old.queueManager != null
                ? old.queueManager.retire(grace) : () -> true;
        if (queueManager != null) {
            queueManager.start();
        }
        if (pickup != null) {
            pickup.start();
        }
        // Old sessions and deliveries may still be using the old tables, policy connections and
        // agents: release them once the last has ended (or after RETIRE_LIMIT, for a client that
        // never leaves).
        Thread.ofVirtual().name("reload-retire").start(() -> {
            retiring.forEach(server -> server.stop(grace));
            retiringScreens.forEach(server -> {
                server.stop(grace);
                server.release();
            });
            long deadline = System.nanoTime() + RETIRE_LIMIT.toNanos();
            while (!(oldSessionsDone.stream().allMatch(java.util.function.BooleanSupplier::getAsBoolean)
                    && oldDeliveriesDone.getAsBoolean()) && System.nanoTime() < deadline) {
                sleep(RETIRE_POLL);
            }
            old.passServers.values().forEach(server -> server.stop(grace));
            oldScreenCaches.forEach(Runnable::run);
            old.release();
        });
    }

    /** Starts a listener; a failed bind names the address and the master.cf line that asked for it. */
    private void bind(SmtpServer server) throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            ServiceEntry service = serviceLines.get(server);
            IOException named = new IOException(MasterTexts.cannotBind(server.listenAddress(), e.getMessage(),
                    service.file(), service.line()), e);
            throw named;
        }
    }

    /** How often, and how long at most, a reload waits for old sessions before releasing their resources. */
    private static final Duration RETIRE_POLL = Duration.ofSeconds(1);
    private static final Duration RETIRE_LIMIT = Duration.ofHours(1);

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<SmtpServer> smtpServers() {
        return smtpServers;
    }

    /** Stops accepting mail, lets what is under way finish for up to {@code grace}, releases the rest. */
    void stop(Duration grace) {
        for (PostscreenServer server : postscreens) {
            server.stop(grace);
            server.release();
        }
        for (SmtpServer server : smtpServers) {
            server.stop(grace);
        }
        for (SmtpServer server : passServers.values()) {
            server.stop(grace);
        }
        if (pickup != null) {
            pickup.stop();
        }
        if (queueManager != null) {
            queueManager.stop(grace);
        }
        spawnServices.forEach(SpawnService::close);
        release();
    }

    /**
     * verify(8)'s probes enter the queue as Postfix's post_mail() sends them to cleanup: from the
     * probe sender to the address, with no content of their own, as mail of this system.
     */
    private static ProbeSubmitter probes(Cleanup cleanup) {
        return (sender, recipient) -> {
            try (CleanupSession session = cleanup.open(Envelope.probe(sender, Recipient.of(recipient), Instant.now(),
                    ClientInfo.local("MAILER-DAEMON")))) {
                session.content();
                return session.commit().toString();
            }
        };
    }

    private void release() {
        if (verifier != null) {
            verifier.close();
        }
        smtpAgents.forEach(SmtpDelivery::close);
        restrictionSets.forEach(SmtpdRestrictions::close);
    }
}
