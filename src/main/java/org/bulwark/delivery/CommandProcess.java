package org.bulwark.delivery;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command for a delivery (local(8)'s {@code |command}, pipe(8)): as another
 * account through {@code setpriv} when the server is root, with a clean environment, the message
 * fed on standard input from its own thread, at most the first kilobyte of its output kept, and a
 * time limit after which it and its children are killed.
 */
public final class CommandProcess {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final int OUTPUT_KEPT = 1024;

    /** Writes the command's standard input; the stream is closed afterwards. */
    @FunctionalInterface
    public interface Input {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * How the command ended: its exit status (128 + n for signal n), whether the time limit killed
     * it, and its output with control characters blanked, cut at 200 characters.
     */
    public record Exit(int status, boolean timedOut, String output) {
    }

    private CommandProcess() {
    }

    /** Whether a command can be run as another account (root needs setpriv to drop privileges). */
    public static boolean canRunAs(Owner runAs) {
        return runAs.isCurrent() || Files.isExecutable(SETPRIV);
    }

    /**
     * @param runAs the account to run as when the server runs as root; {@link #canRunAs} must hold
     * @throws IOException the command could not be started
     * @throws InterruptedException the server is stopping; the command was killed
     */
    public static Exit run(List<String> command, Map<String, String> environment, Owner runAs, Path cwd, Input input,
            Duration timeLimit) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (!runAs.isCurrent()) {
            // Never run a delivery command as root: drop to the account first.
            argv.addAll(List.of(SETPRIV.toString(), "--reuid=" + runAs.uid(), "--regid=" + runAs.gid(), "--clear-groups"));
        }
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).directory(cwd.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), output));
        // Fed from its own thread: a command that neither reads nor exits must still meet the time limit.
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream stdin = new BufferedOutputStream(process.getOutputStream(), 65536)) {
                input.writeTo(stdin);
            } catch (IOException commandStoppedReading) {
                // A command need not read all its input; its exit status decides.
            }
        });
        try {
            if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                reader.join(Duration.ofSeconds(5));
                return new Exit(-1, true, summary(output));
            }
            writer.join(Duration.ofSeconds(5));
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
        return new Exit(process.exitValue(), false, summary(output));
    }

    /** sysexits(3) as Postfix's sys_exits.c reads them; other statuses are permanent, signals temporary. */
    public static String dsnOf(int status) {
        return switch (status) {
            case 64, 66, 69, 70, 72, 74 -> "5.3.0";
            case 65 -> "5.6.0";
            case 67 -> "5.1.1";
            case 68 -> "5.1.2";
            case 71, 75 -> "4.3.0";
            case 73 -> "5.2.0";
            case 76 -> "5.5.0";
            case 77 -> "5.7.0";
            case 78 -> "5.3.5";
            default -> status > 128 ? "4.3.0" : "5.3.0";
        };
    }

    private static void drain(InputStream in, ByteArrayOutputStream kept) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                int room = OUTPUT_KEPT - kept.size();
                if (room > 0) {
                    kept.write(buffer, 0, Math.min(room, n));
                }
            }
        } catch (IOException ignored) {
            // The process went away; what was read so far is all there is.
        }
    }

    private static String summary(ByteArrayOutputStream output) {
        String text = output.toString(StandardCharsets.UTF_8).strip();
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.length() > 200 ? b.substring(0, 200) : b.toString();
    }
}
