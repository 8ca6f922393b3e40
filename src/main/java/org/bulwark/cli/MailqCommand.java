package org.bulwark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bulwark mailq}. */
@Command(name = "mailq", description = "List the mail queue.")
final class MailqCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() throws Exception {
        throw new UnsupportedOperationException("not built yet");
    }
}
