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

    static String metricsListenMalformed(String value) {
        return "metrics_listen = " + value + ": expected host:port, e.g. 127.0.0.1:9154";
    }

    static String metricsListenNotLoopback(String value) {
        return "metrics_listen = " + value + ": the metrics endpoint listens on a loopback address only";
    }

    static String noStatusSocket(String reason) {
        return "cannot open the status socket (bulwark status will show only the uptime): " + reason;
    }
}
