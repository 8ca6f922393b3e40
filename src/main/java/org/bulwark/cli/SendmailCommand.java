package org.bulwark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bulwark sendmail}. */
@Command(name = "sendmail", description = "Submit a message, as sendmail does.")
final class SendmailCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() throws Exception {
        throw new UnsupportedOperationException("not built yet");
    }
}
