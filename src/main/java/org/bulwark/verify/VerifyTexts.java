package org.bulwark.verify;

/** Every text of address verification: the answers smtpd quotes, log lines, configuration errors. */
final class VerifyTexts {

    private VerifyTexts() {
    }

    /** Postfix's text while a probe is out: smtpd quotes it after "unverified address: ". */
    static final String IN_PROGRESS = "Address verification in progress";

    static String badEntry(String raw) {
        return "bad address verify table entry: " + (raw.length() > 100 ? raw.substring(0, 100) : raw);
    }

    static String probeFailed(String address, String why) {
        return "cannot queue address verification probe for <" + address + ">: " + why;
    }

    static String pendingLimit(int limit) {
        return "address verification: " + limit + " probes are pending (address_verify_pending_request_limit);"
                + " new addresses stay in progress until some are answered";
    }

    /** Postfix's dict_cache line after a cleanup run. */
    static String cleanup(String map, int retained, int dropped) {
        return "cache " + map + " full cleanup: retained=" + retained + " dropped=" + dropped + " entries";
    }

    static String cleanupFailed(String map, String why) {
        return "cache " + map + " cleanup failed: " + why;
    }

    static String badMap(String value) {
        return "address_verify_map = " + value + ": Bulwark keeps the address verification cache in a file"
                + " (btree:/path, hash:/path or lmdb:/path; the file is Bulwark's own, not a Berkeley DB or LMDB"
                + " file), in Redis (redis://host:port/db, shared by several nodes) or, when empty, in memory";
    }

    static String badSender(String value, String why) {
        return "address_verify_sender = " + value + ": the value " + why;
    }
}
