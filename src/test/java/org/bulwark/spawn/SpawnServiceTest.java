package org.bulwark.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ServiceEntry;
import org.bulwark.log.MailLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spawn service on its own, spoken to over its UNIX socket. */
class SpawnServiceTest {

    @TempDir
    Path root;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private SpawnService service(String maxproc, String script) throws Exception {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path file = root.resolve("command.sh");
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        ServiceEntry entry = new ServiceEntry("echo", "unix", "-", "n", "n", "-", maxproc, "spawn",
                List.of("user=nobody", "argv=/bin/sh", file.toString()), Map.of(), root.resolve("master.cf"), 1);
        Config config = Config.of(Map.of("queue_directory", root.resolve("spool").toString()));
        return SpawnService.of(entry, config, MailLog.to(new PrintStream(log, true, StandardCharsets.UTF_8), "mx", "postfix"));
    }

    private static SocketChannel connect(java.net.SocketAddress endpoint) throws Exception {
        return SocketChannel.open(endpoint);
    }

    private static void write(SocketChannel channel, String text) throws Exception {
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void eachConnectionGetsItsOwnCommandOnStdinAndStdoutAndStderrGoesToTheLog() throws Exception {
        try (SpawnService service = service("0", "echo \"started $$\"; echo oops >&2; exec cat\n")) {
            service.start();
            try (SocketChannel a = connect(service.endpoint()); SocketChannel b = connect(service.endpoint())) {
                BufferedReader ra = new BufferedReader(new InputStreamReader(Channels.newInputStream(a)));
                BufferedReader rb = new BufferedReader(new InputStreamReader(Channels.newInputStream(b)));
                String startedA = ra.readLine();
                String startedB = rb.readLine();
                assertThat(startedA).startsWith("started ").isNotEqualTo(startedB);
                write(a, "to a\n");
                write(b, "to b\n");
                assertThat(ra.readLine()).isEqualTo("to a");
                assertThat(rb.readLine()).isEqualTo("to b");
            }
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("postfix/spawn[").contains("warning: command /bin/sh: oops");
    }

    @Test
    void maxprocLimitsTheCommandsRunningAtOnce() throws Exception {
        Path starts = root.resolve("starts");
        try (SpawnService service = service("1", "echo started >> " + starts + "; echo started; exec cat\n")) {
            service.start();
            SocketChannel first = connect(service.endpoint());
            BufferedReader r1 = new BufferedReader(new InputStreamReader(Channels.newInputStream(first)));
            assertThat(r1.readLine()).isEqualTo("started");
            try (SocketChannel second = connect(service.endpoint())) {
                BufferedReader r2 = new BufferedReader(new InputStreamReader(Channels.newInputStream(second)));
                write(second, "waiting\n");
                java.util.concurrent.CompletableFuture<String> greeting = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> readLine(r2), java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
                // The second client waits in the listen queue: no command answers it while the first runs.
                assertThatThrownBy(() -> greeting.get(1, java.util.concurrent.TimeUnit.SECONDS))
                        .isInstanceOf(java.util.concurrent.TimeoutException.class);
                write(first, "ping\n");
                assertThat(r1.readLine()).isEqualTo("ping");
                assertThat(Files.readAllLines(starts)).hasSize(1);

                first.close();
                assertThat(greeting.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("started");
                assertThat(r2.readLine()).isEqualTo("waiting");
                assertThat(Files.readAllLines(starts)).hasSize(2);
            }
        }
    }

    @Test
    void aNonZeroExitIsLogged() throws Exception {
        try (SpawnService service = service("0", "echo bye; exit 3\n")) {
            service.start();
            try (SocketChannel c = connect(service.endpoint())) {
                BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(c)));
                assertThat(r.readLine()).isEqualTo("bye");
                assertThat(r.readLine()).isNull(); // the connection closes when the command exits
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!log.toString(StandardCharsets.UTF_8).contains("exit status") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("warning: command /bin/sh exit status 3");
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
