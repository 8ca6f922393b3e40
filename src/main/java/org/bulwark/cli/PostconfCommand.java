package org.bulwark.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.bulwark.config.MainCfEditor;
import org.bulwark.config.Parameter;
import org.bulwark.config.ServiceEntry;
import org.bulwark.config.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bulwark postconf}, as postconf(1): every parameter with its value, {@code -n} those main.cf
 * sets, {@code -d} the defaults, {@code -h} values only, {@code -x} with {@code $name} expanded;
 * {@code -e} edits main.cf, {@code -a}/{@code -m} list SASL and table types, {@code -M}/{@code -F}
 * show master.cf; {@code --markdown} writes the parameter reference page.
 */
@Command(name = "postconf", description = "Show main.cf parameter values.")
final class PostconfCommand implements Callable<Integer> {

    /** The SASL server types {@code smtpd_sasl_type} accepts, as {@code postconf -a} lists them. */
    private static final List<String> SASL_TYPES = List.of("builtin", "cyrus", "dovecot");

    @Mixin
    ConfigDirectory configDirectory;

    @Option(names = "-n", description = "show only parameters set in main.cf")
    boolean nonDefault;

    @Option(names = "-d", description = "show default values instead of main.cf values")
    boolean defaults;

    @Option(names = "-h", description = "show values only, without \"name = \"")
    boolean valuesOnly;

    @Option(names = "-x", description = "expand $name references in values")
    boolean expand;

    @Option(names = "-e", description = "edit main.cf: set each name=value given, keeping comments")
    boolean edit;

    @Option(names = "-a", description = "list the SASL server types")
    boolean saslTypes;

    @Option(names = "-m", description = "list the lookup table types")
    boolean tableTypes;

    @Option(names = "-M", description = "show master.cf service entries")
    boolean masterEntries;

    @Option(names = "-F", description = "show master.cf fields, one per line")
    boolean masterFields;

    @Option(names = "--markdown", description = "the reference page of every parameter and its default, in Markdown")
    boolean markdown;

    @Parameters(paramLabel = "NAME", description = "parameters to show (default: all)")
    List<String> names = List.of();

    @Override
    public Integer call() throws java.io.IOException {
        PrintStream out = System.out;
        if (saslTypes) {
            SASL_TYPES.forEach(out::println);
            return 0;
        }
        if (tableTypes) {
            org.bulwark.table.LookupTables.TYPES.forEach(out::println);
            return 0;
        }
        if (markdown) {
            out.print(ParameterReference.markdown());
            return 0;
        }
        if (edit) {
            MainCfEditor.apply(configDirectory.resolve().resolve("main.cf"), MainCfEditor.parseAssignments(names));
            return 0;
        }
        if (masterEntries || masterFields) {
            for (ServiceEntry service : ConfigLoader.load(configDirectory.resolve()).services()) {
                if (names.isEmpty() || names.contains(service.service()) || names.contains(service.service() + "/" + service.type())) {
                    out.print(masterFields ? MasterCfFormat.fields(service) : MasterCfFormat.entry(service));
                }
            }
            return 0;
        }
        Config config;
        if (defaults) {
            config = Config.of(java.util.Map.of("config_directory", configDirectory.resolve().toString()));
        } else {
            LoadedConfig loaded = ConfigLoader.load(configDirectory.resolve());
            loaded.warnings().forEach(w -> System.err.println("postconf: warning: " + w));
            config = loaded.main();
        }
        int status = 0;
        for (String name : selected(config)) {
            Optional<Parameter> parameter = org.bulwark.config.Parameters.find(name);
            Optional<Vocabulary.Entry> vocabulary = Vocabulary.parameter(name);
            // Said for a name asked for: a Postfix parameter Bulwark ignores or refuses is not "unknown".
            vocabulary.flatMap(e -> Vocabulary.explain(name, e.state())).filter(text -> !names.isEmpty())
                    .ifPresent(text -> System.err.println("postconf: warning: " + text));
            if (parameter.isEmpty() && vocabulary.isPresent() && !config.isSet(name)) {
                String postfixDefault = Optional.ofNullable(vocabulary.get().postfixDefault()).orElse("");
                out.println(valuesOnly ? postfixDefault : postfixDefault.isEmpty() ? name + " =" : name + " = " + postfixDefault);
                continue;
            }
            if (parameter.isEmpty() && !config.isSet(name)) {
                System.err.println("postconf: warning: unknown parameter: " + name);
                status = 1;
                continue;
            }
            String value = defaults ? config.defaultValue(name) : config.raw(name);
            if (expand) {
                value = config.expand(value);
            }
            if (defaults && parameter.map(Parameter::extension).orElse(false)) {
                out.println("# Bulwark extension: " + parameter.get().doc());
            }
            out.println(valuesOnly ? value : value.isEmpty() ? name + " =" : name + " = " + value);
        }
        return status;
    }

    private Iterable<String> selected(Config config) {
        if (!names.isEmpty()) {
            return names;
        }
        TreeSet<String> all = new TreeSet<>(config.setParameters());
        if (!nonDefault) {
            org.bulwark.config.Parameters.all().forEach(p -> all.add(p.name()));
        }
        if (defaults) {
            all.retainAll(org.bulwark.config.Parameters.all().stream().map(Parameter::name).toList());
        }
        return all;
    }
}
