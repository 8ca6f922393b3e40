package org.bulwark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bulwark postconf}. */
@Command(name = "postconf", description = "Show main.cf parameter values.")
final class PostconfCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() throws Exception {
        throw new UnsupportedOperationException("not built yet");
    }
}
