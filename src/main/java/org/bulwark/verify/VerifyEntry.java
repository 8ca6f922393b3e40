package org.bulwark.verify;

/**
 * One cache entry, stored as Postfix's verify(8) stores it: {@code status:probed:updated:text},
 * with the times in epoch seconds. {@code probed} is when the outstanding probe was sent (0: none),
 * {@code updated} when the last result came (0: none yet).
 */
record VerifyEntry(VerifyStatus status, long probed, long updated, String text) {

    VerifyEntry {
        text = printable(text);
    }

    String format() {
        return status.code + ":" + probed + ":" + updated + ":" + text;
    }

    /** The entry, or null for a damaged one (Postfix: "bad address verify table entry"). */
    static VerifyEntry parse(String raw) {
        String[] f = raw.split(":", 4);
        if (f.length != 4) {
            return null;
        }
        try {
            VerifyStatus status = VerifyStatus.ofCode(Integer.parseInt(f[0]));
            long probed = Long.parseLong(f[1]);
            long updated = Long.parseLong(f[2]);
            if (status == null || probed < 0 || updated < 0 || probed == 0 && updated == 0) {
                return null;
            }
            return new VerifyEntry(status, probed, updated, f[3]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Control characters become '?', as Postfix's printable() makes them: a cache holds one line per entry. */
    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return b.toString();
    }
}
