package org.bulwark.master;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.bulwark.config.ServiceEntry;
import org.bulwark.delivery.local.Forwarder;
import org.bulwark.delivery.local.LocalDelivery;
import org.bulwark.delivery.virtual.VirtualDelivery;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.pickup.Pickup;
import org.bulwark.qmgr.QueueManager;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.MailQueue;
import org.bulwark.restrict.SmtpdRestrictions;
import org.bulwark.rewrite.AddressResolver;
import org.bulwark.smtpd.SmtpServer;

/**
 * The running mail system: everything master.cf asks for, built from one configuration
 * directory. Start order follows the data flow backwards (queue, delivery, queue manager, then the
 * doors mail comes in by), so nothing accepted waits for a component that is not there yet; stop
 * order is the reverse: first no new mail, then finish what is under way.
 */
public final class Master implements AutoCloseable {

    public static final String VERSION = "0.1.0";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Path configDirectory;

    private final MailLog log;
    private final MailLog.Logger logger;
    private final List<SmtpServer> smtpServers = new ArrayList<>();
    private final QueueManager queueManager;
    private final Pickup pickup;
    private final ReentrantLock stopLock = new ReentrantLock();
    private boolean stopped;

    private Master(LoadedConfig loaded) throws IOException {
        Config main = loaded.main();
        configDirectory = main.configDirectory();
        log = MailLog.open(main.get("maillog_file"), main.get("myhostname"), main.get("syslog_name"));
        logger = log.program("master");
        try {
            for (String warning : loaded.warnings()) {
                logger.warning(warning);
            }
            MailQueue queue = MailQueue.open(Path.of(main.get("queue_directory")));
            for (String line : queue.recover()) {
                logger.info(line);
            }
            Cleanup cleanup = new Cleanup(main, queue, log);
            DnsResolver dns = DnsResolver.create(main);

            Map<String, DeliveryAgent> agents = new HashMap<>();
            ServiceEntry qmgrService = null;
            ServiceEntry pickupService = null;
            List<ServiceEntry> smtpdServices = new ArrayList<>();
            for (ServiceEntry service : loaded.services()) {
                Config config = main.with(service.overrides());
                switch (service.command()) {
                    case "smtpd" -> {
                        if (!service.type().equals("inet")) {
                            continue; // a unix-socket smtpd is a post-filter reinjection service: not built yet
                        }
                        smtpdServices.add(service);
                    }
                    case "local" -> agents.put(service.service(), new LocalDelivery(config, Forwarder.through(cleanup)));
                    case "virtual" -> agents.put(service.service(), new VirtualDelivery(config));
                    case "qmgr", "oqmgr" -> qmgrService = service;
                    case "pickup" -> pickupService = service;
                    default -> {
                        // services of later work (smtp, bounce, spawn, ...) are not run yet
                    }
                }
            }
            queueManager = qmgrService == null ? null
                    : new QueueManager(main.with(qmgrService.overrides()), queue, new AddressResolver(main), agents, log);
            pickup = pickupService == null ? null
                    : new Pickup(main.with(pickupService.overrides()), queue, cleanup, log);
            for (ServiceEntry service : smtpdServices) {
                Config config = main.with(service.overrides());
                SmtpdRestrictions restrictions = new SmtpdRestrictions(config, dns, log.program("smtpd"));
                int maxproc = service.maxproc().equals("-")
                        ? config.integer("default_process_limit") : Integer.parseInt(service.maxproc());
                for (InetSocketAddress address : ListenAddresses.of(service, config)) {
                    smtpServers.add(new SmtpServer(config, address, cleanup, restrictions, dns, log, maxproc));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /**
     * Loads the configuration and starts every service.
     *
     * @throws ConfigException for a configuration the operator must fix
     * @throws IOException when a listener cannot bind or the queue cannot be opened
     */
    public static Master start(Path configDirectory) throws IOException {
        LoadedConfig loaded = ConfigLoader.load(configDirectory);
        Master master;
        try {
            master = new Master(loaded);
        } catch (ConfigException e) {
            throw e.locatedIn(loaded.main());
        }
        master.startServices();
        return master;
    }

    private void startServices() throws IOException {
        try {
            if (queueManager != null) {
                queueManager.start();
            }
            if (pickup != null) {
                pickup.start();
            }
            for (SmtpServer server : smtpServers) {
                server.start();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        logger.info("daemon started -- version " + VERSION + ", configuration " + configDirectory);
    }

    /** The ports the SMTP listeners are bound to, in master.cf order (useful with port 0). */
    public List<Integer> smtpPorts() {
        return smtpServers.stream().map(SmtpServer::port).toList();
    }

    /** Stops accepting mail, lets sessions and deliveries under way finish, then closes the log. */
    @Override
    public void close() {
        stopLock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            for (SmtpServer server : smtpServers) {
                server.stop(STOP_GRACE);
            }
            if (pickup != null) {
                pickup.stop();
            }
            if (queueManager != null) {
                queueManager.stop(STOP_GRACE);
            }
            logger.info("terminating on signal 15");
            log.close();
        } finally {
            stopLock.unlock();
        }
    }
}
