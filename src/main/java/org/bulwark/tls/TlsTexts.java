package org.bulwark.tls;

import java.nio.file.Path;

/** What the TLS layer says in log lines and errors, worded in one place. */
final class TlsTexts {

    private TlsTexts() {
    }

    static String noKeyInFile(Path file) {
        return "no private key found in " + file;
    }

    static String noCertificateInFile(Path file) {
        return "no certificate found in " + file;
    }

    static String cannotRead(Path file, String why) {
        return "cannot load TLS key or certificate from " + file + ": " + why;
    }

    static String keyDoesNotMatch(Path file) {
        return "the private key in " + file + " does not match its certificate";
    }

    static String encryptedKey(Path file) {
        return "the private key in " + file + " is encrypted; Postfix-style servers need an unencrypted key";
    }

    static String noCredentials() {
        return "TLS is enabled but neither smtpd_tls_chain_files nor smtpd_tls_cert_file names a certificate";
    }

    static String unknownProtocol(String item) {
        return "unknown TLS protocol \"" + item + "\" in a *_tls_protocols setting";
    }

    static String noProtocolLeft(String setting) {
        return "no TLS protocol of 1.2 or later is left enabled by \"" + setting + "\"";
    }

    static String unknownCipherGrade(String grade) {
        return "unknown cipher grade \"" + grade + "\": use medium or high";
    }

    static String unknownDigest(String name) {
        return "smtpd_tls_fingerprint_digest = " + name.trim() + " is not a digest Postfix knows;"
                + " use sha256 (the default), sha1, sha512 or md5";
    }

    static String badVerifyDepth(String value) {
        return "smtpd_tls_ccert_verifydepth = " + value + " is not a number of certificates; use e.g. 9 (the default)";
    }

    static String cannotLoadCa(String kind, Path path) {
        return "cannot load Certification Authority data, " + kind + "=" + path
                + (kind.equals("CApath") ? ": no such directory" : ": no readable PEM certificate in it")
                + "; fix smtpd_tls_" + kind;
    }

    static String notHttpsUrl(String url) {
        return "not an https: URL with a host name: " + url;
    }

    static String noAddress(String host) {
        return host + " has no address";
    }

    static String notHttp(String line) {
        return "not an HTTP answer: " + line;
    }

    static String httpHeaderTooLong() {
        return "the HTTP answer's header is too long";
    }

    static String httpTooLarge(int max) {
        return "the HTTP answer is larger than " + max + " bytes";
    }

    static String httpCutShort() {
        return "the connection closed before the end of the HTTP answer";
    }

    static String httpTimedOut() {
        return "timed out";
    }
}
