package org.bulwark.master;

import java.nio.file.Path;

/** The master's log lines about reloading, worded once. */
final class MasterTexts {

    private MasterTexts() {
    }

    static String unknownFilterTransport(String filter, String transport) {
        return "content_filter = " + filter + ": no master.cf service delivers with transport \"" + transport
                + "\"; add one (e.g. \"" + transport + " unix - - n - 10 smtp\") or name an existing one, such as smtp";
    }

    static String noQueueManager() {
        return "master.cf has no qmgr service: accepted mail would never be delivered. Add:"
                + " qmgr unix n - n 300 1 qmgr";
    }

    static String noVerifyService(String restriction, String parameter, String service) {
        return restriction + " in " + parameter + " needs the address verification service, which master.cf lacks:"
                + " every address would stay unverified. Add to master.cf: " + service + " unix - - n - 1 verify";
    }

    static String noTransportService(String parameter, String value, String transport) {
        String command = transport.equals("local") || transport.equals("virtual") ? transport : "smtp";
        return parameter + " = " + value + ": no master.cf service \"" + transport + "\": mail routed there would"
                + " never be delivered. Add to master.cf: " + transport + " unix - - n - - " + command
                + ", or set " + parameter + " to a transport master.cf has";
    }

    /** Postfix's "bind 0.0.0.0 port 25: Address already in use", with the master.cf line of the service. */
    static String cannotBind(java.net.InetSocketAddress address, String reason, Path masterCf, int line) {
        return masterCf + ", line " + line + ": bind " + address.getAddress().getHostAddress() + " port "
                + address.getPort() + ": " + reason;
    }

    static String noMappedTransportService(String spec, String key, String value, String transport) {
        String command = transport.equals("local") || transport.equals("virtual") ? transport : "smtp";
        return "transport_maps = " + spec + ": " + key + " routes to \"" + value + "\", and master.cf has no service \""
                + transport + "\": mail routed there would never be delivered. Add to master.cf: " + transport
                + " unix - - n - - " + command + ", or change the entry";
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

    private static final String WHY_NOT_ROOT = "a bug in a network daemon that runs as root gives whoever finds it"
            + " the whole machine. Run it as an unprivileged user instead: the systemd unit in packaging/"
            + " (bulwark.service) runs it as user bulwark and grants only CAP_NET_BIND_SERVICE for ports below 1024";

    static String rootRefused(java.util.List<String> listeners) {
        return "refusing to run as root with listeners that other machines can reach: " + String.join(", ", listeners)
                + ". Why: " + WHY_NOT_ROOT + ". To run as root anyway, start it with --allow-root";
    }

    static String rootAllowed(java.util.List<String> listeners) {
        return "running as root (--allow-root) with listeners that other machines can reach: "
                + String.join(", ", listeners) + "; " + WHY_NOT_ROOT;
    }

    static String rootOnLoopback() {
        return "running as root; every listener is on loopback, so only this machine can connect. On any other"
                + " address this would be refused without --allow-root: " + WHY_NOT_ROOT;
    }

    /** @param kind dmarc or tlsrpt */
    static String reportFailed(String kind, String problem) {
        return kind + " report run failed: " + problem + "; the history is kept for the next run";
    }

    static String noPassService(String name) {
        return "postscreen hands the clients that pass to the smtpd service \"" + name
                + "\" (smtpd_service_name), but master.cf has no such service of type pass: add "
                + "\"" + name + "      pass  -       -       n       -       -       smtpd\"";
    }
}
