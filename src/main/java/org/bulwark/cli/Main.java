package org.bulwark.cli;

/**
 * The jar's entry point. The JVM looks at every method of the main class before it runs
 * {@code main}, and loads the types their signatures name: {@link Bulwark}'s name picocli's,
 * whose classes the server's launch never needs (it reads its own command line) and which the
 * class loader finds only after opening every jar on the class path: about 10 ms before the
 * first 220. This class names none.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // dnsjava logs through SLF4J, whose first logger otherwise looks for its provider in every
        // jar on the class path (about 7 ms, before the first 220); the one on it (pom.xml) is named.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.nop.NOPServiceProvider");
        }
        Integer launched = StartFgCommand.launchWithoutParser(args);
        System.exit(launched != null ? launched : Bulwark.commandLine().execute(args));
    }
}
