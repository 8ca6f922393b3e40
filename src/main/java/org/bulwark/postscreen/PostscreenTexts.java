package org.bulwark.postscreen;

/**
 * Every word postscreen says: its replies and maillog lines, worded as Postfix's postscreen words
 * them (so that log tools read them unchanged), and its configuration errors.
 */
final class PostscreenTexts {

    private PostscreenTexts() {
    }

    // Replies (each ends in CRLF on the wire; the caller adds it).

    static final String PROTOCOL_ERROR_DROP = "521 5.5.1 Protocol error";
    static final String PROTOCOL_ERROR_ENFORCE = "550 5.5.1 Protocol error";
    static final String DENYLIST_DROP = "521 5.3.2 Service currently unavailable";
    static final String DENYLIST_ENFORCE = "550 5.3.2 Service currently unavailable";
    static final String NON_SMTP_DROP = "521 5.7.0 Error: I can break rules, too. Goodbye.";
    /** What the engine answers a recipient while tests are under way: come back later. */
    static final String TRY_AGAIN = "450 4.3.2 Service currently unavailable";
    static final String FINAL_DEFAULT = "421 4.3.2 Service currently unavailable";
    static final String TOO_MANY_CONNECTIONS = "421 4.7.0 Error: too many connections";
    static final String SERVER_PORTS_BUSY = "421 4.3.2 All server ports are busy";
    static final String SCREENING_PORTS_BUSY = "421 4.3.2 All screening ports are busy";
    static final String BYE = "221 2.0.0 Bye";
    static final String OK = "250 2.0.0 Ok";
    static final String SENDER_OK = "250 2.1.0 Ok";
    static final String NOT_RECOGNIZED = "502 5.5.2 Error: command not recognized";
    static final String NOT_IMPLEMENTED = "502 5.5.1 Error: command not implemented";
    static final String HELO_SYNTAX = "501 Syntax: HELO hostname";
    static final String EHLO_SYNTAX = "501 Syntax: EHLO hostname";
    static final String SEND_HELO_FIRST = "503 5.5.1 Error: send HELO/EHLO first";
    static final String NESTED_MAIL = "503 5.5.1 Error: nested MAIL command";
    static final String MAIL_SYNTAX = "501 5.5.4 Syntax: MAIL FROM:<address>";
    static final String BAD_SENDER = "501 5.1.7 Bad sender address syntax";
    static final String NEED_MAIL = "503 5.5.1 Error: need MAIL command";
    static final String RCPT_SYNTAX = "501 5.5.4 Syntax: RCPT TO:<address>";
    static final String BAD_RECIPIENT = "501 5.1.3 Bad recipient address syntax";
    static final String DATA_SYNTAX = "501 5.5.4 Syntax: DATA";
    static final String NEED_RCPT = "503 5.5.1 Error: need RCPT command";
    static final String NO_VALID_RECIPIENTS = "554 5.5.1 Error: no valid recipients";
    static final String BDAT_SYNTAX = "501 5.5.4 Syntax: BDAT count [LAST]";
    static final String BDAT_NEED_MAIL = "554 5.5.1 Error: need MAIL command";
    static final String VRFY_SYNTAX = "501 5.5.4 Syntax: VRFY address";
    static final String VRFY_DISABLED = "502 5.5.1 VRFY command is disabled";
    static final String ETRN_SYNTAX = "500 Syntax: ETRN domain";
    static final String ETRN_REFUSED = "458 Unable to queue messages";

    static String dnsblReply(String code, String client, String list) {
        return code + " 5.7.1 Service unavailable; client [" + client + "] blocked using " + list;
    }

    static String greeting(String banner) {
        return "220 " + banner;
    }

    static String teaser(String banner) {
        return "220-" + banner;
    }

    static String helo(String myhostname) {
        return "250 " + myhostname;
    }

    /** The engine's EHLO reply: no PIPELINING (its test needs a client that waits), no STARTTLS, no AUTH. */
    static String ehlo(String myhostname, long sizeLimit, boolean vrfy) {
        return "250-" + myhostname + "\r\n250-SIZE" + (sizeLimit > 0 ? " " + sizeLimit : "") + "\r\n"
                + (vrfy ? "250-VRFY\r\n" : "")
                + "250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING";
    }

    static String timeout(String myhostname) {
        return "421 4.4.2 " + myhostname + " Error: timeout exceeded";
    }

    static String tryAgainLater(String myhostname) {
        return "421 " + myhostname + " Service unavailable - try again later";
    }

    // Log lines.

    static String connect(String client, String server) {
        return "CONNECT from " + client + " to " + server;
    }

    static String allowlisted(String client, boolean respectful) {
        return (respectful ? "ALLOW" : "WHITE") + "LISTED " + client;
    }

    static String denylisted(String client, boolean respectful) {
        return (respectful ? "DENY" : "BLACK") + "LISTED " + client;
    }

    static String allowlistVeto(String client, boolean respectful) {
        return (respectful ? "ALLOW" : "WHITE") + "LIST VETO " + client;
    }

    static String pregreet(int count, String elapsed, String client, String text) {
        return "PREGREET " + count + " after " + elapsed + " from " + client + ": " + text;
    }

    static String dnsblRank(int score, String client) {
        return "DNSBL rank " + score + " for " + client;
    }

    static String pass(boolean fresh, String client) {
        return "PASS " + (fresh ? "NEW " : "OLD ") + client;
    }

    static String hangup(String elapsed, String client, String phase) {
        return "HANGUP after " + elapsed + " from " + client + " in " + phase;
    }

    static String disconnect(String client) {
        return "DISCONNECT " + client;
    }

    static String tooManyConnections(String client) {
        return "NOQUEUE: reject: CONNECT from " + client + ": too many connections";
    }

    static String serverPortsBusy(String client) {
        return "NOQUEUE: reject: CONNECT from " + client + ": all server ports busy";
    }

    static String screeningPortsBusy(String client) {
        return "reject: connect from " + client + ": all screening ports busy";
    }

    static String rcptReject(String client, String reply, String sender, String recipient, String protocol,
            String helo) {
        return "NOQUEUE: reject: RCPT from " + client + ": " + reply + "; from=<" + sender + ">, to=<" + recipient
                + ">, proto=" + protocol + ", helo=<" + helo + ">";
    }

    static String pipelining(String client, String command, String rest) {
        return "COMMAND PIPELINING from " + client + " after " + command + ": " + rest;
    }

    static String nonSmtpCommand(String client, String where, String command, String line) {
        return "NON-SMTP COMMAND from " + client + " after " + where + ": " + command + " " + line;
    }

    static String bareNewline(String client, String line) {
        return "BARE NEWLINE from " + client + " after " + line;
    }

    static String commandCountLimit(String client, String where) {
        return "COMMAND COUNT LIMIT from " + client + " after " + where;
    }

    static String commandTimeLimit(String client, String where) {
        return "COMMAND TIME LIMIT from " + client + " after " + where;
    }

    static String commandLengthLimit(String client, String where) {
        return "COMMAND LENGTH LIMIT from " + client + " after " + where;
    }

    static String dataWithoutRcpt(String client) {
        return "DATA without valid RCPT from " + client;
    }

    static String bdatWithoutRcpt(String client) {
        return "BDAT without valid RCPT from " + client;
    }

    static String acceptFailed(int port, String error) {
        return "accept failed on port " + port + ": " + error;
    }

    static String unexpectedError(String client, String error) {
        return "unexpected error with " + client + ": " + error;
    }

    static String cacheUnreachable(String address, String why) {
        return "postscreen_cache_map redis " + address + " unreachable: " + why
                + "; until it answers, every client is new to postscreen and takes its tests again";
    }

    static String cacheBack(String address) {
        return "postscreen_cache_map redis " + address + " answers again";
    }

    static String cacheFailed(String what, String error) {
        return "postscreen cache " + what + " failed: " + error;
    }


    static final String EARLY_PHASE = "tests before SMTP handshake";
    static final String ENGINE_PHASE = "tests after SMTP handshake";

    // Configuration errors.

    static String badAction(String parameter, String value) {
        return "bad " + parameter + " value \"" + value + "\": use ignore, enforce or drop";
    }

    static String badAccessItem(String item) {
        return "postscreen_access_list: unknown item \"" + item
                + "\": use permit_mynetworks or a type:table whose results are permit, reject or dunno";
    }

    static String badAccessResult(String table, String value) {
        return "postscreen_access_list: table " + table + " returned \"" + value
                + "\": a postscreen access table answers permit, reject or dunno";
    }

    static String badDnsblSite(String site) {
        return "postscreen_dnsbl_sites: bad DNS list \"" + site
                + "\": use domain, domain=127.0.0.[2..11] or domain*weight (a whole number, negative for allow lists)";
    }

    static String badForbiddenPattern(String rule) {
        return "postscreen_forbidden_commands: bad inline pattern \"" + rule + "\": write regexp:{{/pattern/ result}}";
    }

    static String badCacheMap(String value) {
        return "postscreen_cache_map: unsupported table \"" + value
                + "\": use btree:/path (a file of Bulwark's own), memory: or redis://host:port/db to share it between nodes";
    }
}
