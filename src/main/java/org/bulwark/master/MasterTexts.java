package org.bulwark.master;

import java.nio.file.Path;

/** The master's log lines about reloading, worded once. */
final class MasterTexts {

    private MasterTexts() {
    }

    static String reloadRejected(String problem) {
        return "reload: configuration not loaded, keeping the running one: " + problem;
    }

    static String reloaded(String version, Path configDirectory) {
        return "reload -- version " + version + ", configuration " + configDirectory;
    }
}
