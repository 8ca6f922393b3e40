package org.bulwark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bulwark status}. */
@Command(name = "status", description = "Say whether the mail system is running.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() throws Exception {
        throw new UnsupportedOperationException("not built yet");
    }
}
