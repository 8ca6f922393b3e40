package org.bulwark.mail;

import java.util.regex.Pattern;

/** A queue ID in Postfix's short form: upper-case hexadecimal, e.g. {@code 3F2A1B0C9D}. */
public record QueueId(String value) {

    private static final Pattern FORM = Pattern.compile("[0-9A-F]{6,20}");

    public QueueId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("not a queue ID: " + value);
        }
    }

    public static boolean isValid(String value) {
        return value != null && FORM.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
