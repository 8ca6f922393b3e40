package org.bulwark.cli;

import java.util.concurrent.Callable;
import org.bulwark.config.ConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bulwark mailq}: the queue listing, read straight from the queue directory. */
@Command(name = "mailq", description = "List the mail queue.")
final class MailqCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return MailqListing.print(ConfigLoader.load(configDirectory.resolve()).main(), spec.commandLine().getOut());
    }
}
