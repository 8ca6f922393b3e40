package org.bulwark.spawn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.config.Config;
import org.bulwark.config.ServiceEntry;
import org.bulwark.log.MailLog;

/**
 * A master.cf {@code spawn} service: a UNIX socket under the queue directory, or a TCP port for an
 * inet line, whose every connection gets its own command, at most maxproc at once (further clients wait in the listen
 * queue, as with Postfix's master). A reload hands the listening socket to the new settings, so
 * clients never find it missing; commands under way finish with the settings they started with.
 */
public final class SpawnService implements AutoCloseable {

    private final MailLog.Logger log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition slotFree = lock.newCondition();
    private final Set<SpawnedCommand> running = ConcurrentHashMap.newKeySet();
    private volatile SpawnSettings settings;
    private volatile boolean closed;
    private ServerSocketChannel server;

    private SpawnService(SpawnSettings settings, MailLog.Logger log) {
        this.settings = settings;
        this.log = log;
    }

    /**
     * Reads a unix line; binds nothing yet.
     *
     * @throws org.bulwark.config.ConfigException with master.cf's file and line for a line spawn(8) refuses
     */
    public static SpawnService of(ServiceEntry entry, Config config, MailLog log) {
        if (!entry.type().equals("unix")) {
            throw SpawnSettings.error(entry, SpawnTexts.unsupportedType(entry.type()));
        }
        return of(entry, config, log, SpawnSettings.socketOf(entry, Path.of(config.get("queue_directory"))));
    }

    /**
     * Reads an inet line, for one of the addresses its name gives; binds nothing yet.
     *
     * @throws org.bulwark.config.ConfigException with master.cf's file and line for a line spawn(8) refuses
     */
    public static SpawnService of(ServiceEntry entry, Config config, MailLog log, InetSocketAddress address) {
        return of(entry, config, log, (SocketAddress) address);
    }

    private static SpawnService of(ServiceEntry entry, Config config, MailLog log, SocketAddress endpoint) {
        SpawnSettings settings = SpawnSettings.of(entry, config, endpoint);
        MailLog.Logger logger = log.program("spawn");
        if (config.isSet("policy_time_limit") && !entry.service().equals("policy")
                && !config.isSet(entry.service() + "_time_limit")) {
            // The guides' spelling: Postfix, too, reads it only for a service named policy.
            logger.warning(SpawnTexts.timeLimitForAnotherService(entry.service()));
        }
        return new SpawnService(settings, logger);
    }

    /** Where clients connect: a {@link UnixDomainSocketAddress} or an {@link InetSocketAddress}. */
    public SocketAddress endpoint() {
        return settings.endpoint();
    }

    /** Binds the socket (replacing one a crashed server left behind) and starts accepting. */
    public void start() throws IOException {
        SocketAddress endpoint = settings.endpoint();
        ServerSocketChannel channel;
        if (endpoint instanceof UnixDomainSocketAddress unix) {
            prepareSocketPath(unix.getPath());
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            channel = ServerSocketChannel.open();
        }
        try {
            channel.bind(endpoint);
        } catch (IOException e) {
            channel.close();
            throw new IOException(SpawnTexts.cannotListen(settings.service(), SpawnTexts.endpoint(endpoint),
                    e.getMessage()), e);
        }
        server = channel;
        log.info(SpawnTexts.listening(settings.service(), SpawnTexts.endpoint(endpoint), settings.timeLimit()));
        Thread.ofVirtual().name("spawn-" + settings.service()).start(this::accept);
    }

    private static void prepareSocketPath(Path socket) throws IOException {
        Path directory = socket.getParent();
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            if (directory.getFileName().toString().equals("private")) {
                // Only this mail system may connect, as with Postfix's private/.
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
        }
        if (Files.exists(socket) && !Files.isRegularFile(socket) && !Files.isDirectory(socket)) {
            Files.delete(socket);
        }
    }

    /** From now on new connections get {@code fresh}'s command, user, limits and environment. */
    public void adopt(SpawnService fresh) {
        lock.lock();
        try {
            settings = fresh.settings;
            slotFree.signalAll(); // maxproc may have grown
        } finally {
            lock.unlock();
        }
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                awaitSlot();
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warning(SpawnTexts.serviceProblem(settings.service(), "accept: " + e.getMessage()));
                }
                return;
            } catch (InterruptedException e) {
                return;
            }
            SpawnedCommand command = new SpawnedCommand(settings, client, log);
            running.add(command);
            Thread.ofVirtual().name("spawn-command").start(() -> {
                try {
                    command.run();
                } finally {
                    finished(command);
                }
            });
        }
    }

    private void awaitSlot() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && settings.maxproc() > 0 && running.size() >= settings.maxproc()) {
                slotFree.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void finished(SpawnedCommand command) {
        lock.lock();
        try {
            running.remove(command);
            slotFree.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening and removes the socket; commands under way run on until their client leaves. */
    public void retire() {
        closed = true;
        lock.lock();
        try {
            slotFree.signalAll();
        } finally {
            lock.unlock();
        }
        if (server != null) {
            try {
                server.close();
                if (settings.endpoint() instanceof UnixDomainSocketAddress unix) {
                    Files.deleteIfExists(unix.getPath());
                }
            } catch (IOException e) {
                log.warning(SpawnTexts.serviceProblem(settings.service(), e.getMessage()));
            }
        }
    }

    /** Stops listening and kills the commands still running, as when the mail system stops. */
    @Override
    public void close() {
        retire();
        running.forEach(SpawnedCommand::kill);
    }
}
