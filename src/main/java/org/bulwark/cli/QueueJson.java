package org.bulwark.cli;

import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.queue.RecipientState;

/** One message as {@code postqueue -j} prints it (Postfix's showq JSON fields), one object per line. */
final class QueueJson {

    private QueueJson() {
    }

    static String line(QueueName queue, QueuedMessage m) {
        StringBuilder b = new StringBuilder("{");
        field(b, "queue_name", queue.directoryName()).append(", ");
        field(b, "queue_id", m.id().value()).append(", ");
        b.append("\"arrival_time\": ").append(m.envelope().arrival().getEpochSecond()).append(", ");
        b.append("\"message_size\": ").append(m.contentSize()).append(", ");
        b.append("\"forced_expire\": false, ");
        field(b, "sender", m.envelope().sender().external()).append(", ");
        b.append("\"recipients\": [");
        boolean first = true;
        for (RecipientState r : m.recipients()) {
            if (r.done()) {
                continue;
            }
            b.append(first ? "" : ", ").append('{');
            field(b, "address", r.recipient().address().external());
            if (m.deferReason() != null) {
                b.append(", ");
                field(b, "delay_reason", m.deferReason());
            }
            b.append('}');
            first = false;
        }
        return b.append("]}").toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        return b.append('"').append(name).append("\": ").append(quote(value));
    }

    /** RFC 8259 §7 string escaping. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
