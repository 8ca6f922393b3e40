package org.bulwark.spawn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.bulwark.log.MailLog;

/**
 * One connection and the command started for it: the connection is the command's stdin and
 * stdout, as spawn(8) connects them. The command's stderr goes to the maillog rather than to the
 * client (where Postfix sends it), because a policy client would read a stray warning as a
 * malformed reply.
 */
final class SpawnedCommand {

    /** How long the reply still flowing out of a command that exited may take to reach the client. */
    private static final long DRAIN_MILLIS = 5_000;

    private final SpawnSettings settings;
    private final SocketChannel client;
    private final MailLog.Logger log;
    private volatile Process process;

    SpawnedCommand(SpawnSettings settings, SocketChannel client, MailLog.Logger log) {
        this.settings = settings;
        this.client = client;
        this.log = log;
    }

    /** Runs the command until it exits or its time limit passes; returns when it is gone. */
    void run() {
        Process started;
        try {
            ProcessBuilder builder = new ProcessBuilder(settings.launch());
            builder.environment().clear();
            builder.environment().putAll(settings.environment());
            started = builder.start();
        } catch (IOException e) {
            log.warning(SpawnTexts.cannotExecute(settings.program(), e.getMessage()));
            closeClient();
            return;
        }
        process = started;
        Thread.ofVirtual().name("spawn-stdin").start(() -> copy(Channels.newInputStream(client), started.getOutputStream()));
        Thread stdout = Thread.ofVirtual().name("spawn-stdout")
                .start(() -> copy(started.getInputStream(), Channels.newOutputStream(client)));
        Thread.ofVirtual().name("spawn-stderr").start(() -> logLines(started.getErrorStream()));
        try {
            if (!started.waitFor(settings.timeLimit().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warning(SpawnTexts.timeLimitExceeded(settings.program(), started.pid()));
                kill();
                started.waitFor();
            }
            stdout.join(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        } finally {
            closeClient();
        }
        reportExit(started);
    }

    /** Kills the command and whatever it started (a shell's pipeline), as Postfix kills the process group. */
    void kill() {
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // before the parent: orphans leave the tree
            p.destroyForcibly();
        }
    }

    private void reportExit(Process exited) {
        if (!exited.isAlive()) {
            int status = exited.exitValue();
            // The JDK reports death by a signal as 128 + the signal's number.
            if (status > 128) {
                log.warning(SpawnTexts.killedBySignal(settings.program(), status - 128));
            } else if (status != 0) {
                log.warning(SpawnTexts.exitStatus(settings.program(), status));
            }
        }
    }

    private void logLines(InputStream stderr) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.isBlank()) {
                    log.warning(SpawnTexts.stderrLine(settings.program(), line.strip()));
                }
            }
        } catch (IOException e) {
            // the command is gone
        }
    }

    /** Copies until end of input, then closes the output: the other side sees end of file. */
    private static void copy(InputStream in, OutputStream out) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                // it is closed either way
            }
        }
    }

    private void closeClient() {
        try {
            client.close();
        } catch (IOException e) {
            // it is closed either way
        }
    }
}
