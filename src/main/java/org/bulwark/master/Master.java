package org.bulwark.master;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.anvil.CounterStore;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.bulwark.log.LogMetrics;
import org.bulwark.log.MailLog;
import org.bulwark.queue.MailQueue;
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
    private final MailQueue queue;
    private final CounterStore counters;
    private final ReentrantLock lock = new ReentrantLock();
    private ServiceSet services;
    private MetricsEndpoint metrics;
    private StatusSocket status;
    /** What the log has said so far, for the status socket and the metrics endpoint. */
    private LogMetrics counts;
    private List<ReportTimer> reportTimers = List.of();
    /** main.cf as started, for what starts after the services. */
    private final Config startConfig;
    private boolean stopped;
    private final boolean allowRoot;
    private Optional<String> rootWarning = Optional.empty();

    private Master(LoadedConfig loaded, boolean allowRoot) throws IOException {
        this.allowRoot = allowRoot;
        Config main = loaded.main();
        startConfig = main;
        configDirectory = main.configDirectory();
        log = MailLog.open(main.get("maillog_file"), main.get("myhostname"), main.get("syslog_name"));
        logger = log.program("master");
        CounterStore opened = null;
        MailQueue watched = null;
        try {
            for (String warning : loaded.warnings()) {
                logger.warning(warning);
            }
            rootWarning = RootCheck.check(loaded, RootCheck.runningAsRoot(), allowRoot);
            rootWarning.ifPresent(logger::warning);
            queue = MailQueue.open(Path.of(main.get("queue_directory")));
            for (String line : queue.recover()) {
                logger.info(line);
            }
            queue.watchNames();
            watched = queue;
            // One counter store for every smtpd service, so that limits count the whole node.
            opened = CounterStore.open(main.get("anvil_database"), log.program("anvil"));
            counters = opened;
            services = new ServiceSet(loaded, log, queue, counters);
            // Counted always, not only with metrics_listen: bulwark status shows the last minute and hour.
            counts = new LogMetrics();
            log.observe(counts::count);
            if (!main.get("metrics_listen").isBlank()) {
                metrics = MetricsEndpoint.start(main.get("metrics_listen"), counts, queue);
            }
        } catch (IOException | RuntimeException e) {
            // The maillog is where an operator looks, not only the terminal that started it.
            logger.fatal(fatalText(e, main));
            if (metrics != null) {
                metrics.close();
            }
            if (status != null) {
                status.close();
            }
            if (opened != null) {
                opened.close();
            }
            if (watched != null) {
                watched.close();
            }
            log.close();
            throw e;
        }
    }

    /**
     * Writes a start-up failure that came before the log was open (main.cf or master.cf did not
     * load) to the maillog main.cf names, as far as it can be read: {@code postfix/master[pid]:
     * fatal: ...}, where the operator looks, not only on the terminal. Does nothing when the
     * maillog is standard output or cannot be opened.
     */
    public static void logFatal(Path configDirectory, String message) {
        ConfigLoader.readUnvalidated(configDirectory).ifPresent(main -> {
            try {
                String file = main.get("maillog_file");
                if (file.isBlank() || file.equals("-")) {
                    return;
                }
                MailLog log = MailLog.open(file, main.get("myhostname"), main.get("syslog_name"));
                log.program("master").fatal(message);
                log.close();
            } catch (IOException | RuntimeException e) {
                // the terminal still has the message
            }
        });
    }

    /**
     * Loads the configuration and starts every service.
     *
     * @throws ConfigException for a configuration the operator must fix
     * @throws IOException when a listener cannot bind or the queue cannot be opened
     */
    public static Master start(Path configDirectory) throws IOException {
        return start(configDirectory, false);
    }

    /**
     * As {@link #start(Path)}; {@code allowRoot} lets it run as root with listeners that other
     * machines can reach (see {@link RootCheck}).
     */
    public static Master start(Path configDirectory, boolean allowRoot) throws IOException {
        LoadedConfig loaded = ConfigLoader.load(configDirectory);
        Master master;
        try {
            master = new Master(loaded, allowRoot);
        } catch (ConfigException e) {
            throw e.locatedIn(loaded.main());
        }
        master.startServices();
        return master;
    }

    private void startServices() throws IOException {
        try {
            services.start();
        } catch (IOException | RuntimeException e) {
            logger.fatal(fatalText(e, startConfig));
            shutDown(0);
            throw e;
        }
        // After the listeners: the status socket is the first channel the JVM opens, and its
        // first channel looks for a selector provider in every jar on the class path.
        try {
            status = StatusSocket.start(PidFile.of(startConfig).statusSocket(), counts, queue);
        } catch (IOException e) {
            // Mail matters more than the status display: run without it and say why.
            logger.warning(MasterTexts.noStatusSocket(e.getMessage()));
        }
        reportTimers = ReportTimer.start(startConfig, queue, log);
        logger.info("daemon started -- version " + VERSION + ", configuration " + configDirectory);
    }

    /** The warning logged at start for running as root, if it was. */
    public Optional<String> rootWarning() {
        return rootWarning;
    }

    /** The ports the SMTP listeners are bound to, in master.cf order (useful with port 0). */
    public List<Integer> smtpPorts() {
        lock.lock();
        try {
            return services.smtpServers().stream().map(SmtpServer::port).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The port of the metrics endpoint ({@code metrics_listen}), if it is on. */
    public java.util.OptionalInt metricsPort() {
        return metrics == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(metrics.port());
    }

    /**
     * {@code bulwark reload}: reads main.cf, master.cf and their tables and certificates again
     * and builds a new set of services from them. If that fails, the old services keep running
     * and the problem (with its file and line) is logged and returned; if it succeeds, new
     * connections get the new settings on the same listening sockets while sessions under way
     * finish on the old ones. The queue, the log and {@code anvil_database} stay as started.
     */
    public List<String> reload() {
        lock.lock();
        try {
            if (stopped) {
                return List.of();
            }
            LoadedConfig loaded = null;
            ServiceSet fresh;
            try {
                loaded = ConfigLoader.load(configDirectory);
                RootCheck.check(loaded, RootCheck.runningAsRoot(), allowRoot);
                fresh = new ServiceSet(loaded, log, queue, counters);
                fresh.takeOver(services, STOP_GRACE);
            } catch (ConfigException e) {
                String problem = (loaded == null ? e : e.locatedIn(loaded.main())).getMessage();
                logger.warning(MasterTexts.reloadRejected(problem));
                return List.of(problem);
            } catch (IOException | RuntimeException e) {
                String problem = String.valueOf(e.getMessage());
                logger.warning(MasterTexts.reloadRejected(problem));
                return List.of(problem);
            }
            for (String warning : loaded.warnings()) {
                logger.warning(warning);
            }
            services = fresh;
            reportTimers.forEach(ReportTimer::close);
            reportTimers = ReportTimer.start(loaded.main(), queue, log);
            logger.info(MasterTexts.reloaded(VERSION, configDirectory));
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    /** Makes SIGHUP reload this system, as Postfix's master does; for the daemon's process only. */
    @SuppressWarnings("sunapi")
    public void reloadOnHangup() {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload());
    }

    /**
     * For the daemon's process: returns once SIGTERM or SIGINT arrives, having stopped this system.
     * The signals are handled here rather than by the JVM's default (which exits 143 after the
     * shutdown hooks), so that a stop the operator asked for ends with exit status 0, as
     * {@code postfix start-fg} does for systemd.
     */
    @SuppressWarnings("sunapi")
    public void awaitStopSignal() throws InterruptedException {
        java.util.concurrent.CompletableFuture<Integer> signalled = new java.util.concurrent.CompletableFuture<>();
        for (String name : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> signalled.complete(signal.getNumber()));
        }
        int number;
        try {
            number = signalled.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        shutDown(number);
    }

    /** Stops accepting mail, lets sessions and deliveries under way finish, then closes the log. */
    @Override
    public void close() {
        shutDown(15);
    }

    /** The problem as the operator reads it, with main.cf's line when the message names a parameter. */
    private static String fatalText(Exception e, Config main) {
        if (e instanceof ConfigException config) {
            return config.locatedIn(main).getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Stops everything, logging the signal that asked for it; 0 after a failed start, which is no
     * "terminating on signal" in the log.
     */
    private void shutDown(int signal) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            reportTimers.forEach(ReportTimer::close);
            services.stop(STOP_GRACE);
            if (metrics != null) {
                metrics.close();
            }
            if (status != null) {
                status.close();
            }
            counters.close();
            queue.close();
            if (signal != 0) {
                logger.info("terminating on signal " + signal);
            }
            log.close();
        } finally {
            lock.unlock();
        }
    }
}
