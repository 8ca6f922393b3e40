package org.bulwark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bulwark} command: the daemon's controls and the administrator's tools. */
@Command(name = "bulwark", mixinStandardHelpOptions = true, version = "Bulwark 0.1.0",
        description = "A Postfix-compatible mail server.",
        subcommands = {
            StartFgCommand.class,
            StartCommand.class,
            StopCommand.class,
            StatusCommand.class,
            PostconfCommand.class,
            MailqCommand.class,
            PostqueueCommand.class,
            PostsuperCommand.class,
            PostcatCommand.class,
            SendmailCommand.class,
            ReloadCommand.class,
            TlsCommand.class,
            PasswdCommand.class,
            NewaliasesCommand.class,
            DkimCommand.class,
            PolicydCommand.class,
            LogCommand.class,
            DoctorCommand.class,
            DmarcCommand.class,
            TlsRptCommand.class,
        })
public final class Bulwark implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "-c", paramLabel = "DIR", description = "configuration directory, as postfix -c")
    java.nio.file.Path configDirectory;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** As {@link Main}, which the jar names: tests start the commands with this class. */
    public static void main(String[] args) {
        Main.main(args);
    }

    /** The command line with Bulwark's error handling: operator mistakes print one line, no stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Bulwark());
        cl.setExecutionExceptionHandler(new OperatorErrors());
        addHelp(cl);
        return cl;
    }

    /**
     * {@code --help} on every subcommand. Not picocli's standard {@code -h}: postconf and postsuper
     * use {@code -h} for their own options, as Postfix's do.
     */
    private static void addHelp(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null) {
                spec.addOption(CommandLine.Model.OptionSpec.builder("--help").usageHelp(true)
                        .description("show this help and exit").build());
            }
            addHelp(sub);
        }
    }
}
