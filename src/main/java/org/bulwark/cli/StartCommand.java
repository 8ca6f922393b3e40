package org.bulwark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bulwark start}. */
@Command(name = "start", description = "Start the mail system in the background.")
final class StartCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() throws Exception {
        throw new UnsupportedOperationException("not built yet");
    }
}
