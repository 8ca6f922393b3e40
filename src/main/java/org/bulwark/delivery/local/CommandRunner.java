package org.bulwark.delivery.local;

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
import org.bulwark.delivery.DeliveryFailure;
import org.bulwark.delivery.DeliveryTexts;
import org.bulwark.delivery.MessageCopy;
import org.bulwark.delivery.Owner;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.QueuedMessage;

/**
 * Runs {@code |command} deliveries the way local(8) does: {@code /bin/sh -c}, the message on
 * standard input after a {@code From } line, a small environment (local(8) "EXTERNAL COMMAND
 * DELIVERY"), a time limit, and the exit status read as sysexits(3).
 */
final class CommandRunner {

    private static final Path SHELL = Path.of("/bin/sh");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final int OUTPUT_KEPT = 1024;

    private final Duration timeLimit;

    CommandRunner(Duration timeLimit) {
        this.timeLimit = timeLimit;
    }

    /**
     * @param runAs  the account to run as when the server runs as root; ignored otherwise
     * @param cwd    the working directory
     */
    void run(String command, QueuedMessage message, MailAddress recipient, Map<String, String> environment,
            Owner runAs, Path cwd) throws DeliveryFailure {
        List<String> argv = new ArrayList<>();
        if (!runAs.isCurrent()) {
            // Never run an alias command as root: drop to the account first (Postfix uses
            // default_privs or the alias file's owner).
            if (!Files.isExecutable(SETPRIV)) {
                throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.privilegesUnavailable(Long.toString(runAs.uid())));
            }
            argv.addAll(List.of(SETPRIV.toString(), "--reuid=" + runAs.uid(), "--regid=" + runAs.gid(), "--clear-groups"));
        }
        argv.addAll(List.of(SHELL.toString(), "-c", command));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).directory(cwd.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.commandFailed(command, e.getMessage()));
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), output));
        try (OutputStream stdin = new BufferedOutputStream(process.getOutputStream(), 65536)) {
            MessageCopy.write(message, recipient, MessageCopy.Format.COMMAND, stdin);
        } catch (IOException commandStoppedReading) {
            // A command need not read all its input; its exit status decides.
        }
        try {
            if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.commandTimedOut(command));
            }
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.commandFailed(command, "interrupted"));
        }
        int status = process.exitValue();
        if (status != 0) {
            String text = DeliveryTexts.commandDied(status, command, summary(output));
            throw new DeliveryFailure(dsnOf(status), text);
        }
    }

    /** sysexits(3) as Postfix's sys_exits.c reads them; other statuses are permanent, signals temporary. */
    static String dsnOf(int status) {
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
