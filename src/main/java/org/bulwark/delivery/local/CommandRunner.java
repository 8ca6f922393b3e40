package org.bulwark.delivery.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bulwark.delivery.CommandProcess;
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

    private static final String SHELL = "/bin/sh";

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
        // Never run an alias command as root: drop to the account first (Postfix uses
        // default_privs or the alias file's owner).
        if (!CommandProcess.canRunAs(runAs)) {
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.privilegesUnavailable(Long.toString(runAs.uid())));
        }
        CommandProcess.Exit exit;
        try {
            exit = CommandProcess.run(List.of(SHELL, "-c", command), environment, runAs, cwd,
                    out -> MessageCopy.write(message, recipient, MessageCopy.Format.COMMAND, out), timeLimit);
        } catch (IOException e) {
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.commandFailed(command, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.commandFailed(command, "interrupted"));
        }
        if (exit.timedOut()) {
            throw DeliveryFailure.temporary("4.3.0", DeliveryTexts.commandTimedOut(command));
        }
        if (exit.status() != 0) {
            throw new DeliveryFailure(dsnOf(exit.status()), DeliveryTexts.commandDied(exit.status(), command, exit.output()));
        }
    }

    /** sysexits(3) as Postfix's sys_exits.c reads them; other statuses are permanent, signals temporary. */
    static String dsnOf(int status) {
        return CommandProcess.dsnOf(status);
    }
}
