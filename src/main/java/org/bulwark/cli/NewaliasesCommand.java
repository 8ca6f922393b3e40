package org.bulwark.cli;

import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.table.LookupTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bulwark newaliases}: Bulwark reads alias files as text, so there is nothing to build; this
 * checks every {@code alias_database} file and reports the first bad line, as a build would.
 */
@Command(name = "newaliases", description = "Check the alias files in alias_database.")
final class NewaliasesCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() {
        Config config = ConfigLoader.load(configDirectory.resolve()).main();
        for (String spec : config.list("alias_database")) {
            LookupTables.openAliases(spec, config.configDirectory());
        }
        return 0;
    }
}
