package org.bulwark.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real libmilter milter (python3-milter) on a UNIX socket, doing what a JSON script says at each
 * stage (see scripted_milter.py) and recording every callback with its arguments and macros, one
 * JSON object a line, in {@link #events()}.
 */
public final class ScriptedMilter implements AutoCloseable {

    private final Process process;
    private final Path socket;
    private final Path events;
    private final Path log;

    private ScriptedMilter(Process process, Path socket, Path events, Path log) {
        this.process = process;
        this.socket = socket;
        this.events = events;
        this.log = log;
    }

    /** Starts the milter in {@code directory} with this script; it listens on {@link #socket()}. */
    public static ScriptedMilter start(Path directory, String scriptJson) throws IOException, InterruptedException {
        String python = Peers.python3();
        requireModule(python);
        Files.createDirectories(directory);
        Path program = directory.resolve("scripted_milter.py");
        try (InputStream in = ScriptedMilter.class.getResourceAsStream("/milter/scripted_milter.py")) {
            Files.copy(in, program, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path script = directory.resolve("script.json");
        Files.writeString(script, scriptJson);
        Path socket = directory.resolve("milter.sock");
        Path events = directory.resolve("events.jsonl");
        Path log = directory.resolve("milter.log");
        Files.deleteIfExists(socket);
        Files.writeString(events, "");
        Process process = new ProcessBuilder(python, program.toString(), "unix:" + socket, script.toString(),
                events.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ScriptedMilter milter = new ScriptedMilter(process, socket, events, log);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            if (Files.exists(socket) && accepts(socket)) {
                return milter;
            }
            Thread.sleep(50);
        }
        milter.close();
        throw new IOException("the scripted milter did not start: " + Files.readString(log));
    }

    /** Whether the socket accepts a connection yet (libmilter creates the file before it listens). */
    private static boolean accepts(Path socket) {
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            return c.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireModule(String python) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python, "-c", "import Milter").redirectErrorStream(true).start();
        if (p.waitFor() != 0) {
            throw new AssertionError("python3-milter is needed by this test but is not installed; run: "
                    + "apt-get install python3-milter (.ci/run installs it)");
        }
    }

    public Path socket() {
        return socket;
    }

    /** The callbacks so far, one JSON object a line: {"stage": ..., "args": [...], "macros": {...}}. */
    public List<String> events() throws IOException {
        return Files.readAllLines(events);
    }

    /** Waits until a callback of this stage has been recorded (the milter records after it answers). */
    public List<String> awaitStage(String stage) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            List<String> all = events();
            if (all.stream().anyMatch(l -> l.contains("\"stage\": \"" + stage + "\""))) {
                return all;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the milter saw no " + stage + " event; it saw " + events());
    }

    /** The first recorded callback of a stage. */
    public String first(String stage) throws IOException {
        return events().stream().filter(l -> l.contains("\"stage\": \"" + stage + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + stage + " event in " + eventsText()));
    }

    private String eventsText() {
        try {
            return String.join("\n", events());
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** What the milter printed (libmilter's and Python's errors). */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        // libmilter's listener polls for a stop only every few seconds; the test is done with it.
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
