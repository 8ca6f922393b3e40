package org.bulwark.policy;

/** Every message of the policy package, worded once: configuration errors, warnings, greylist texts. */
final class PolicyTexts {

    /** The version we put where postgrey puts its own; it names us, not postgrey. */
    static final String VERSION = "bulwark";
    /** When the greylist store cannot answer: a temporary refusal, never a pass. */
    static final String STORE_FAILED = "DEFER_IF_PERMIT 4.3.0 Greylisting temporarily unavailable";

    private PolicyTexts() {
    }

    static String badEndpoint(String spec) {
        return "bad policy service \"" + spec + "\": expected inet:host:port, unix:path or builtin:name";
    }

    static String unknownOption(String name) {
        return "unknown policy service option \"" + name + "\": expected timeout, max_idle, max_ttl, try_limit, "
                + "retry_delay, request_limit, default_action or policy_context";
    }

    static String badValue(String name, String value) {
        return "bad value for policy service option \"" + name + "\": \"" + value + "\"";
    }

    static String unbalancedBraces(String argument) {
        return "missing \"}\" in policy service \"" + argument + "\"";
    }

    static String serverFailed(String spec, String why) {
        return "problem talking to server " + spec + ": " + why;
    }

    static String closedByServer() {
        return "connection closed by the server";
    }

    static String noAction() {
        return "answer without an action attribute";
    }

    static String timedOut() {
        return "timeout";
    }

    static String greylistAction(String action, String reason, java.util.Map<String, String> request) {
        StringBuilder b = new StringBuilder();
        String queueId = request.get("queue_id");
        if (queueId != null && !queueId.isEmpty()) {
            b.append(queueId).append(": ");
        }
        b.append("action=").append(action);
        if (reason != null) {
            b.append(", reason=").append(reason);
        }
        for (String name : new String[] {"client_name", "client_address", "sender", "recipient"}) {
            String v = request.get(name);
            if (v != null && !v.isEmpty()) {
                b.append(", ").append(name).append('=').append(v);
            }
        }
        return b.toString();
    }

    static String whitelisted(String client) {
        return "whitelisted: " + client;
    }

    static String storeFailed(String why) {
        return "greylist store failed: " + why;
    }

    static String redisUnreachable(String address, String why) {
        return "greylist_database redis " + address + " unreachable: " + why
                + "; until it answers, builtin:greylist defers every recipient it checks (fails closed)";
    }

    static String redisBack(String address) {
        return "greylist_database redis " + address + " answers again; builtin:greylist decides as configured";
    }

    static String serverListening(String address) {
        return "policy server listening on " + address;
    }

    static String requestFailed(String peer, String why) {
        return "policy request from " + peer + " failed: " + why;
    }

    static String badWhitelist(String file, int line, String text) {
        return file + ", line " + line + ": cannot read whitelist entry \"" + text + "\"";
    }

    static String unreadableFile(String file, String why) {
        return "cannot read " + file + ": " + why;
    }
}
