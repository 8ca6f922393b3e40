package org.bulwark.cleanup;

import java.io.InputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.milter.MessageEdit;
import org.bulwark.milter.ReplacementBody;

/**
 * The milters' end-of-message edits applied to the header fields and the envelope, as Postfix's
 * cleanup_milter.c applies them: in the order sent; a change or delete names the n-th header of
 * that name among those the milters saw (not our own Received: header, which is never in the
 * list); an insert counts among all of them; a change of an absent header adds it; a recipient
 * deleted is matched on its address as the client gave it or as stored, case-insensitively.
 */
final class MilterEdits {

    /**
     * One header field: its name and value as a milter sees them (null name for a line that is not
     * a header), and the bytes cleanup stores (LF line ends, with the final LF).
     */
    record Field(String name, String value, byte[] raw) {

        static Field of(String text, byte[] raw) {
            int colon = text.indexOf(':');
            if (colon <= 0 || text.substring(0, colon).strip().isEmpty()
                    || text.substring(0, colon).chars().anyMatch(c -> c == ' ' || c == '\t')) {
                return new Field(null, null, raw);
            }
            String value = text.substring(colon + 1).replace("\n", "\r\n");
            return new Field(text.substring(0, colon), value, raw);
        }

        /** A field a milter made: {@code name + ":" + value}, stored with LF line ends. */
        static Field made(String name, String value) {
            String text = name + ":" + value.replace("\r\n", "\n");
            return new Field(name, value, (text + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private final List<Field> fields;
    private Envelope envelope;
    private ReplacementBody body;
    private String quarantine;
    private boolean envelopeChanged;

    MilterEdits(List<Field> fields, Envelope envelope) {
        this.fields = new ArrayList<>(fields);
        this.envelope = envelope;
    }

    MilterEdits apply(List<MessageEdit> edits) {
        for (MessageEdit edit : edits) {
            switch (edit) {
                case MessageEdit.AddHeader(String name, String value) -> fields.add(Field.made(name, value));
                case MessageEdit.InsertHeader(int position, String name, String value) ->
                        fields.add(Math.max(0, Math.min(position, fields.size())), Field.made(name, value));
                case MessageEdit.ChangeHeader(String name, int index, String value) -> {
                    int at = find(name, index);
                    if (at < 0) {
                        fields.add(Field.made(name, value));
                    } else {
                        fields.set(at, Field.made(fields.get(at).name(), value));
                    }
                }
                case MessageEdit.DeleteHeader(String name, int index) -> {
                    int at = find(name, index);
                    if (at >= 0) {
                        fields.remove(at);
                    }
                }
                case MessageEdit.ReplaceBody(ReplacementBody replacement) -> {
                    if (body != null) {
                        body.close();
                    }
                    body = replacement;
                }
                case MessageEdit.AddRecipient(String address, String args) -> addRecipient(address, args);
                case MessageEdit.DeleteRecipient(String address) -> deleteRecipient(address);
                case MessageEdit.ChangeSender(String address, String args) -> {
                    envelope = new Envelope(parse(address), envelope.recipients(), envelope.arrival(),
                            envelope.client(), envelope.body(), envelope.ret(), envelope.envid(),
                            envelope.smtputf8(), envelope.filter(), envelope.probe());
                    envelopeChanged = true;
                }
                case MessageEdit.Quarantine(String reason) -> quarantine = reason;
            }
        }
        return this;
    }

    /** The index in {@link #fields} of the index-th (1-based) header of this name, or -1. */
    private int find(String name, int index) {
        int seen = 0;
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.name() != null && f.name().equalsIgnoreCase(name) && ++seen == index) {
                return i;
            }
        }
        return -1;
    }

    private void addRecipient(String address, String args) {
        String notify = null;
        String orcpt = null;
        for (String arg : args == null ? new String[0] : args.trim().split("\\s+")) {
            String upper = arg.toUpperCase(Locale.ROOT);
            if (upper.startsWith("NOTIFY=")) {
                notify = upper.substring(7);
            } else if (upper.startsWith("ORCPT=")) {
                orcpt = arg.substring(6);
            }
        }
        MailAddress added = parse(address);
        List<Recipient> recipients = new ArrayList<>(envelope.recipients());
        recipients.add(new Recipient(added, orcpt != null ? orcpt : added.external(), notify));
        replaceRecipients(recipients);
    }

    private void deleteRecipient(String address) {
        MailAddress gone = parse(address);
        List<Recipient> recipients = new ArrayList<>(envelope.recipients());
        boolean removed = recipients.removeIf(r -> r.address().internal().equalsIgnoreCase(gone.internal())
                || r.originalRecipient() != null && strip(r.originalRecipient()).equalsIgnoreCase(gone.internal()));
        if (removed) {
            replaceRecipients(recipients);
        }
    }

    private void replaceRecipients(List<Recipient> recipients) {
        envelope = new Envelope(envelope.sender(), recipients, envelope.arrival(), envelope.client(),
                envelope.body(), envelope.ret(), envelope.envid(), envelope.smtputf8(), envelope.filter(), envelope.probe());
        envelopeChanged = true;
    }

    private static MailAddress parse(String address) {
        return MailAddress.of(strip(address));
    }

    private static String strip(String address) {
        String s = address.strip();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        return s;
    }

    List<Field> fields() {
        return fields;
    }

    /** The envelope with the recipients and sender the milters asked for, or null when unchanged. */
    Envelope changedEnvelope() {
        return envelopeChanged ? envelope : null;
    }

    /** The replacement body (CRLF line ends), or null to keep the message's own. */
    InputStream replacementBody() throws IOException {
        return body == null ? null : body.open();
    }

    /** The reason of the last quarantine asked for, or null. */
    String quarantine() {
        return quarantine;
    }

    /** Releases the replacement body's temporary file. */
    void close() {
        if (body != null) {
            body.close();
        }
    }
}
