package org.bulwark.dns;

import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type and the
 * association data (a certificate, a public key, or a digest of either).
 */
public record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {

    /** RFC 7218 mnemonics of the fields this client acts on. */
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;
    public static final int CERT = 0;
    public static final int SPKI = 1;
    public static final int FULL = 0;
    public static final int SHA2_256 = 1;
    public static final int SHA2_512 = 2;

    public TlsaRecord {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** {@code 3 1 1 ab12...}, the presentation form for log lines. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }
}
