package org.bulwark.protocol;

import java.util.List;
import java.util.Locale;

/**
 * The ESMTP parameters of MAIL FROM, checked in Postfix's order with Postfix's replies:
 * SIZE (RFC 1870), BODY=7BIT|8BITMIME (RFC 6152; BINARYMIME is not offered), SMTPUTF8 (RFC 6531),
 * RET and ENVID (RFC 3461), AUTH (RFC 4954, accepted and ignored while AUTH is not offered).
 *
 * @param size  the declared size, 0 when absent
 * @param body  {@code 7BIT}, {@code 8BITMIME} or {@code null}
 * @param ret   {@code FULL}, {@code HDRS} or {@code null}
 * @param envid the decoded ENVID or {@code null}
 */
public record MailParameters(long size, String body, String ret, String envid, boolean smtputf8) {

    public static final MailParameters NONE = new MailParameters(0, null, null, null, false);

    /**
     * @param dsnEnabled      DSN is offered (not in smtpd_discard_ehlo_keywords)
     * @param smtputf8Enabled SMTPUTF8 is offered (smtputf8_enable)
     */
    public static MailParameters parse(List<String> parameters, boolean dsnEnabled, boolean smtputf8Enabled)
            throws ProtocolException {
        long size = 0;
        String body = null;
        String ret = null;
        String envid = null;
        boolean smtputf8 = false;
        for (String parameter : parameters) {
            String keyword = PathArgument.keyword(parameter);
            String value = parameter.indexOf('=') < 0 ? null : parameter.substring(parameter.indexOf('=') + 1);
            switch (keyword) {
                case "BODY" -> {
                    String upper = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    if (!upper.equals("7BIT") && !upper.equals("8BITMIME")) {
                        throw new ProtocolException(ReplyTexts.unsupportedOption(parameter));
                    }
                    body = upper;
                }
                case "SIZE" -> size = parseSize(value);
                case "SMTPUTF8" -> {
                    if (value != null || !smtputf8Enabled) {
                        throw new ProtocolException(ReplyTexts.unsupportedOption(parameter));
                    }
                    smtputf8 = true;
                }
                case "AUTH" -> {
                    if (value == null) {
                        throw new ProtocolException(ReplyTexts.unsupportedOption(parameter));
                    }
                }
                case "RET" -> {
                    requireDsn(dsnEnabled);
                    String upper = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    if (ret != null || !(upper.equals("FULL") || upper.equals("HDRS"))) {
                        throw new ProtocolException(ReplyTexts.BAD_RET);
                    }
                    ret = upper;
                }
                case "ENVID" -> {
                    requireDsn(dsnEnabled);
                    String decoded = value == null ? null : Xtext.decode(value);
                    if (envid != null || decoded == null || decoded.isEmpty()) {
                        throw new ProtocolException(ReplyTexts.BAD_ENVID);
                    }
                    envid = decoded;
                }
                default -> throw new ProtocolException(ReplyTexts.unsupportedOption(parameter));
            }
        }
        return new MailParameters(size, body, ret, envid, smtputf8);
    }

    private static long parseSize(String value) throws ProtocolException {
        if (value == null || value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolException(ReplyTexts.BAD_SIZE);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProtocolException(ReplyTexts.SIZE_OVERFLOW);
        }
    }

    static void requireDsn(boolean dsnEnabled) throws ProtocolException {
        if (!dsnEnabled) {
            throw new ProtocolException(ReplyTexts.DSN_DISABLED);
        }
    }
}
