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
 * deleted is matched on its address as the client gave it or as stored, case-insensitively. A
 * header a milter adds, inserts or changes passes milter_header_checks first, which may replace
 * or drop it (a dropped change leaves the old header as it was).
 */
final class MilterEdits {

    /**
     * One header field: its name and value as a milter sees them (null name for a line that is not
     * a header), and the bytes cleanup stores (LF line ends, with the final LF).
     */
    record Field(String name, String value, byte[] raw) {

        static Field of(String text, byte[] raw) {
            int colon = text.indexOf(':');
            if (colon <= 0) {
                return new Field(null, null, raw);
            }
            // A plain loop: this runs for every header of every message a milter sees.
            for (int i = 0; i < colon; i++) {
                char c = text.charAt(i);
                if (c == ' ' || c == '\t') {
                    return new Field(null, null, raw);
                }
            }
            String name = text.substring(0, colon);
            if (name.isBlank()) {
                return new Field(null, null, raw);
            }
            String value = text.substring(colon + 1);
            return new Field(name, value.indexOf('\n') < 0 ? value : value.replace("\n", "\r\n"), raw);
        }

        /** A field a milter made: {@code name + ":" + value}, stored with LF line ends. */
        static Field made(String name, String value) {
            String text = name + ":" + value.replace("\r\n", "\n");
            return new Field(name, value, (text + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private final List<Field> fields;
    /** milter_header_checks for this message, or null when there are none. */
    private final MilterHeaderChecks headerChecks;
    private Envelope envelope;
    private ReplacementBody body;
    private String quarantine;
    private boolean envelopeChanged;

    MilterEdits(List<Field> fields, Envelope envelope) {
        this(fields, envelope, null);
    }

    MilterEdits(List<Field> fields, Envelope envelope, MilterHeaderChecks headerChecks) {
        this.fields = new ArrayList<>(fields);
        this.envelope = envelope;
        this.headerChecks = headerChecks;
    }

    MilterEdits apply(List<MessageEdit> edits) {
        for (MessageEdit edit : edits) {
            switch (edit) {
                case MessageEdit.AddHeader(String name, String value) -> {
                    Field f = checked(Field.made(name, value));
                    if (f != null) {
                        fields.add(f);
                    }
                }
                case MessageEdit.InsertHeader(int position, String name, String value) -> {
                    Field f = checked(Field.made(name, value));
                    if (f != null) {
                        fields.add(Math.max(0, Math.min(position, fields.size())), f);
                    }
                }
                case MessageEdit.ChangeHeader(String name, int index, String value) -> {
                    int at = find(name, index);
                    Field f = checked(Field.made(at < 0 ? name : fields.get(at).name(), value));
                    if (f == null) {
                        continue;
                    }
                    if (at < 0) {
                        fields.add(f);
                    } else {
                        fields.set(at, f);
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

    /** The field after milter_header_checks: itself, a replacement, or null when dropped. */
    private Field checked(Field made) {
        if (headerChecks == null) {
            return made;
        }
        String text = new String(made.raw(), StandardCharsets.UTF_8);
        text = text.substring(0, text.length() - 1);
        String result;
        try {
            result = headerChecks.check(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (result == null) {
            return null;
        }
        return result.equals(text) ? made : Field.of(result, (result + "\n").getBytes(StandardCharsets.UTF_8));
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

    /** Whether milter_header_checks refused or dropped the message, so that no later milter need see it. */
    boolean decided() {
        return headerChecks != null && headerChecks.decided();
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
