package org.bulwark.mailauth;

import java.net.InetAddress;

/** Every text this package writes into headers, replies and logs, worded in one place. */
final class MailAuthTexts {

    private MailAuthTexts() {
    }

    // SPF (RFC 7208)

    /** The explanation of a fail whose domain gives none; postfix-policyd-spf's wording. */
    static String spfDefaultExplanation(String domain) {
        return "Please see http://www.open-spf.org/Why?s=mfrom;id=" + domain;
    }

    static String spfBadDomain(String domain) {
        return "no valid domain to check (" + domain + ")";
    }

    static String spfDnsFailure(String name) {
        return "DNS lookup of " + name + " failed";
    }

    static String spfNoRecord(String domain) {
        return "domain " + domain + " publishes no SPF record";
    }

    static String spfTwoRecords(String domain) {
        return "domain " + domain + " publishes more than one SPF record";
    }

    static String spfSyntax(String domain, String problem) {
        return "SPF record of " + domain + " is invalid: " + problem;
    }

    static String spfMatched(String domain, SpfRecord.Mechanism mechanism) {
        return "matched " + mechanism.name().toLowerCase(java.util.Locale.ROOT) + " in the SPF record of " + domain;
    }

    static String spfRedirectNone(String target) {
        return "redirect to " + target + ", which has no SPF record";
    }

    static String spfIncludeNone(String target) {
        return "include of " + target + ", which has no SPF record";
    }

    static String spfDefaultNeutral(String domain) {
        return "no mechanism matched in the SPF record of " + domain;
    }

    static String spfTooManyNames(String name) {
        return "more than 10 names for " + name;
    }

    static String spfTooManyLookups() {
        return "more than 10 DNS lookups";
    }

    static String spfTooManyVoidLookups() {
        return "more than 2 void DNS lookups";
    }

    /** RFC 7208 §9.1, with the comment first and the key-value pairs after it. */
    static String receivedSpf(SpfResult.Result result, String receiver, String identity, String sender,
                              InetAddress client, String helo, String detail) {
        String comment = switch (result) {
            case PASS -> receiver + ": domain of " + sender + " designates " + client.getHostAddress()
                    + " as permitted sender";
            case FAIL -> receiver + ": domain of " + sender + " does not designate " + client.getHostAddress()
                    + " as permitted sender";
            case SOFTFAIL -> receiver + ": domain of transitioning " + sender + " does not designate "
                    + client.getHostAddress() + " as permitted sender";
            case NEUTRAL -> receiver + ": " + client.getHostAddress() + " is neither permitted nor denied by domain of "
                    + sender;
            case NONE -> receiver + ": domain of " + sender + " does not designate permitted sender hosts";
            case TEMPERROR, PERMERROR -> receiver + ": " + detail;
        };
        return "Received-SPF: " + result.keyword() + " (" + clean(comment) + ") identity=" + identity
                + "; client-ip=" + client.getHostAddress() + "; helo=" + quoted(helo)
                + "; envelope-from=" + quoted(sender) + "; receiver=" + quoted(receiver) + ";";
    }

    /** RFC 5322 §3.2.4 quoted-string. */
    static String quoted(String value) {
        return "\"" + clean(value).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Keeps header text to printable ASCII without parentheses, which would end a comment. */
    static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c < 0x20 || c > 0x7e || c == '(' || c == ')' ? '?' : c);
        }
        return out.toString();
    }

    // DKIM (RFC 6376)

    static String dkimBadSignature(String problem) {
        return "bad signature: " + problem;
    }

    static String dkimExpired() {
        return "signature expired";
    }

    static String dkimBodyHash() {
        return "body hash did not verify";
    }

    static String dkimBadSignatureData() {
        return "signature did not verify";
    }

    static String dkimKeyUnavailable(String name) {
        return "key lookup of " + name + " failed";
    }

    static String dkimNoKey(String name) {
        return "no key for signature at " + name;
    }

    static String dkimNotAKeyFile(java.nio.file.Path file) {
        return file + ": no PEM private key found";
    }

    // DMARC (RFC 7489)

    static String pslMissing(java.nio.file.Path file) {
        return "public suffix list " + file + " is missing; install Debian's publicsuffix package"
                + " (apt-get install publicsuffix) or set public_suffix_list";
    }

    static String dmarcFromCount(int count) {
        return count == 0 ? "no From header" : "more than one From header";
    }

    static String dmarcFromUnreadable() {
        return "no single address with a domain in From";
    }

    static String dmarcNoRecord(String domain) {
        return "no DMARC record for " + domain;
    }

    static String dmarcNotAligned() {
        return "neither SPF nor DKIM passed aligned with the From domain";
    }

    static String dmarcDnsFailure(String domain) {
        return "DNS lookup of the DMARC record of " + domain + " failed";
    }

    // Configuration

    static String dkimNoKeyTable() {
        return "dkim_signing_table is set but dkim_key_table is empty: name the table of keys";
    }

    static String dkimUnknownKey(String name) {
        return "dkim_signing_table names key \"" + name + "\", which dkim_key_table does not list";
    }

    static String dkimBadKeyTableEntry(String name, String entry) {
        return "dkim_key_table: entry for \"" + name + "\" is \"" + entry + "\"; expected domain:selector:/path/to/key.pem";
    }

    static String dkimKeyUnreadable(String parameter, java.nio.file.Path file, String problem) {
        return parameter + ": cannot read the private key " + file + " (" + problem
                + "); create one with: bulwark dkim keygen -d DOMAIN -s SELECTOR";
    }

    static String badCanonicalization(String value) {
        return "dkim_canonicalization: \"" + value + "\" is not header/body with simple or relaxed, e.g. relaxed/relaxed";
    }

    static String dmarcDisabled(String problem) {
        return "DMARC is not evaluated: " + problem;
    }

    /** The reply at end of data when DMARC says reject (RFC 7489 §10.3, RFC 7372 §3.2 code 5.7.1). */
    static String dmarcRejectText(String domain) {
        return "Rejected by DMARC policy for " + domain;
    }

    static String badRsaSize(int bits) {
        return "RSA keys for DKIM have 1024, 2048 or 4096 bits, not " + bits;
    }

    static String keyFileExists(java.nio.file.Path file) {
        return file + " exists already; move it away or choose another selector";
    }
}
