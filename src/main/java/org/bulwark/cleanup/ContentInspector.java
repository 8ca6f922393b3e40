package org.bulwark.cleanup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.SmtpReply;
import org.bulwark.table.LookupTable;

/**
 * header_checks, mime_header_checks, nested_header_checks and body_checks while the message
 * streams to its queue file (cleanup_message.c's header and body callbacks over mime_state.c).
 * The input is the content as cleanup has it: LF line ends, the header block ended by an empty
 * line. It follows the MIME structure line by line (multipart boundaries, attached messages) and
 * holds one header or one body line (at most {@value #LINE_LIMIT} bytes) in memory. After a
 * REJECT or DISCARD nothing more is written out: the message will not be queued.
 */
final class ContentInspector extends OutputStream {

    /** Postfix's line_length_limit: a longer body line is inspected in pieces of this size. */
    private static final int LINE_LIMIT = 2048;
    /** Postfix's mime_nesting_limit: deeper multiparts are treated as plain body. */
    private static final int NESTING_LIMIT = 100;
    /** Postfix's HDR_OPT_MIME headers: these go to mime_header_checks wherever they appear. */
    private static final Set<String> MIME_HEADERS = Set.of("content-description", "content-disposition",
            "content-id", "content-transfer-encoding", "content-type", "mime-version");
    private static final Pattern BOUNDARY = Pattern.compile(
            ";\\s*boundary\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);

    /** Which table list a non-MIME header goes to. */
    private enum HeaderClass { PRIMARY, MULTIPART, NESTED }

    /** An open multipart: its {@code --boundary} line, and whether its parts default to message/rfc822. */
    private record Boundary(byte[] marker, boolean digest) {
    }

    /** Where the content goes; {@link #ownHeader} points it elsewhere for a moment. */
    private OutputStream out;
    private final ContentChecks checks;
    private final ContentVerdict verdict = new ContentVerdict();
    private final ContentActions actions;
    private final MailLog.Logger log;
    private final QueueId id;
    private final Envelope envelope;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    /** The body line being read was longer than LINE_LIMIT: its first piece went out already. */
    private boolean midLine;
    private boolean inHeaders = true;
    private HeaderClass headerClass = HeaderClass.PRIMARY;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream(256);
    private boolean headerOpen;
    /** The open header is one cleanup added (Message-ID, Date, From): Postfix does not check those. */
    private boolean headerAdded;
    /** How many of the headers still to come cleanup adds itself. */
    private int addedToCome;
    /** The Content-Type of the header block being read, lower case, and its boundary parameter. */
    private String sectionType = "text/plain";
    private String sectionBoundary;
    /** The Content-Transfer-Encoding of the header block being read, lower case; 7bit by default. */
    private String sectionEncoding = "7bit";
    /** The encoding of the body being read, for strict_8bitmime_body. */
    private String bodyEncoding = "7bit";
    private final EnumSet<CleanupTexts.MimeError> mimeErrors =
            EnumSet.noneOf(CleanupTexts.MimeError.class);
    private final Deque<Boundary> boundaries = new ArrayDeque<>();
    /** Bytes of the current body segment so far, for body_checks_size_limit. */
    private long bodyOffset;

    ContentInspector(OutputStream out, ContentChecks checks, MailLog.Logger log, QueueId id, Envelope envelope) {
        this.out = out;
        this.checks = checks;
        this.log = log;
        this.id = id;
        this.envelope = envelope;
        this.actions = new ContentActions(verdict, log, id, envelope, added -> emit(added, true));
    }

    ContentVerdict verdict() {
        return verdict;
    }

    /**
     * The headers cleanup appends at the end of the header block are written next; like Postfix's
     * cleanup_header_done_callback output they are not checked.
     */
    void headersAddedNext(int count) {
        addedToCome = count;
    }

    /**
     * Checks a header cleanup writes ahead of the content (the Received header smtpd would send to
     * Postfix's cleanup, which header_checks see: {@code /^Received:.*ESMTPSA/ IGNORE} hides a
     * submission client), and writes what remains of it to {@code to}.
     */
    void ownHeader(String field, OutputStream to) throws IOException {
        OutputStream content = out;
        out = to;
        try {
            header.write(field.getBytes(StandardCharsets.UTF_8));
            headerOpen = true;
            flushHeader();
        } finally {
            out = content;
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            int nl = i;
            while (nl < end && b[nl] != '\n') {
                nl++;
            }
            int room = (inHeaders ? Math.max(LINE_LIMIT, checks.headerLimit()) : LINE_LIMIT) - line.size();
            if (nl - i > room) {
                line.write(b, i, room);
                if (inHeaders) {
                    // The rest of an over-long header line is cut, as header_size_limit does.
                    i = nl;
                } else {
                    i += room;
                    bodyLine(false);
                }
                continue;
            }
            line.write(b, i, nl - i);
            i = nl;
            if (i < end) {
                i++;
                if (inHeaders) {
                    headerLine(line.toByteArray());
                    line.reset();
                } else {
                    bodyLine(true);
                }
            }
        }
    }

    /** Ends the content: a last line without LF (there is none from HeaderStream) and an open header. */
    void finish() throws IOException {
        if (line.size() > 0) {
            write('\n');
        }
        if (inHeaders) {
            flushHeader();
        }
        out.flush();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    // Headers.

    private void headerLine(byte[] l) throws IOException {
        if (l.length == 0) {
            flushHeader();
            endOfHeaders();
            // mime_state.c hands the empty line after a header block to the body callback
            // (body_checks see it), then starts the body's count of bytes.
            line.reset();
            bodyLine(true);
            bodyOffset = 0;
        } else if ((l[0] == ' ' || l[0] == '\t') && headerOpen) {
            if (header.size() + 1 + l.length <= checks.headerLimit() || checks.headerLimit() <= 0) {
                header.write('\n');
                header.write(l);
            }
        } else if (isHeader(l)) {
            flushHeader();
            header.write(l);
            headerOpen = true;
            headerAdded = addedToCome > 0 && headerClass == HeaderClass.PRIMARY;
            if (headerAdded) {
                addedToCome--;
            }
        } else {
            // A part whose headers end without an empty line: this line is already body.
            flushHeader();
            endOfHeaders();
            line.reset();
            line.write(l);
            bodyLine(true);
        }
    }

    private void flushHeader() throws IOException {
        if (!headerOpen) {
            return;
        }
        byte[] raw = header.toByteArray();
        header.reset();
        headerOpen = false;
        String text = new String(raw, StandardCharsets.UTF_8);
        String name = text.substring(0, text.indexOf(':')).strip().toLowerCase(Locale.ROOT);
        boolean mimeHeader = MIME_HEADERS.contains(name);
        if (name.equals("content-type") && !checks.mimeOff()) {
            contentType(text);
        }
        if (name.equals("content-transfer-encoding") && !checks.mimeOff()) {
            sectionEncoding = text.substring(text.indexOf(':') + 1).replace("\n", "").strip().toLowerCase(Locale.ROOT);
        }
        if (checks.strict().headers8bit() && has8bit(raw, raw.length)) {
            mimeError(CleanupTexts.MimeError.HEADER_8BIT, text);
        }
        List<LookupTable> tables;
        String mapClass;
        if (mimeHeader || headerClass == HeaderClass.MULTIPART) {
            tables = checks.mime();
            mapClass = "mime_header_checks";
        } else if (headerClass == HeaderClass.NESTED) {
            tables = checks.nested();
            mapClass = "nested_header_checks";
        } else {
            tables = checks.header();
            mapClass = "header_checks";
        }
        String result = text;
        if (verdict.inspecting() && !tables.isEmpty() && !headerAdded) {
            Optional<String> value = ContentChecks.find(tables, text);
            if (value.isPresent()) {
                result = actions.act(true, text, value.get(), mapClass);
            }
        }
        if (result == null) {
            return;
        }
        emit(result == text ? raw : result.getBytes(StandardCharsets.UTF_8), true);
    }

    /** mime_state.c: the type decides how the body that follows is read. */
    private void contentType(String field) {
        String value = field.substring(field.indexOf(':') + 1).replace("\n", "").strip();
        int semicolon = value.indexOf(';');
        sectionType = (semicolon < 0 ? value : value.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        Matcher m = BOUNDARY.matcher(value);
        sectionBoundary = m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
    }

    private void endOfHeaders() {
        inHeaders = false;
        bodyOffset = 0;
        String type = sectionType;
        String boundary = sectionBoundary;
        bodyEncoding = sectionEncoding;
        section(false);
        if (checks.mimeOff()) {
            return;
        }
        if (checks.strict().encodingDomain() && badEncodingDomain(type, bodyEncoding)) {
            mimeError(CleanupTexts.MimeError.ENCODING_DOMAIN, bodyEncoding);
        }
        boolean multipart = type.startsWith("multipart/") && boundary != null && !boundary.isEmpty();
        boolean message = type.equals("message/rfc822") || type.equals("message/global");
        if ((multipart || message) && boundaries.size() >= NESTING_LIMIT) {
            if (checks.strict().nesting()) {
                mimeError(CleanupTexts.MimeError.NESTING, type);
            }
            return;
        }
        if (multipart) {
            boundaries.push(new Boundary(("--" + boundary).getBytes(StandardCharsets.UTF_8),
                    type.equals("multipart/digest")));
        } else if (message) {
            // The body is a message of its own: its headers come first.
            inHeaders = true;
            headerClass = HeaderClass.NESTED;
        }
    }

    /** Starts a header block: RFC 2046 §5.1.5 makes message/rfc822 the default inside multipart/digest. */
    private void section(boolean digest) {
        sectionType = digest ? "message/rfc822" : "text/plain";
        sectionBoundary = null;
        sectionEncoding = "7bit";
    }

    /**
     * RFC 2045 §6.4 and RFC 2046 §5.2: a multipart or an attached message is not itself encoded
     * (quoted-printable, base64); message/partial and message/external-body stay 7bit.
     */
    private static boolean badEncodingDomain(String type, String encoding) {
        if (type.equals("message/partial") || type.equals("message/external-body")) {
            return encoding.equals("8bit") || encoding.equals("binary");
        }
        if (type.startsWith("multipart/") || type.equals("message/rfc822")) {
            return encoding.equals("quoted-printable") || encoding.equals("base64");
        }
        return false;
    }

    private static boolean has8bit(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return true;
            }
        }
        return false;
    }

    /** Postfix logs each kind of MIME error once, and refuses the message at its end. */
    private void mimeError(CleanupTexts.MimeError error, String context) {
        if (mimeErrors.add(error)) {
            log.info(CleanupTexts.logMimeError(id, error, context, envelope));
            verdict.mimeError(SmtpReply.of(550, "5.6.0", error.text));
        }
    }

    /** RFC 5322 §2.2: printable characters other than colon, then a colon (white space before it tolerated). */
    static boolean isHeader(byte[] l) {
        int i = 0;
        while (i < l.length && l[i] > 32 && l[i] < 127 && l[i] != ':') {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < l.length && (l[i] == ' ' || l[i] == '\t')) {
            i++;
        }
        return i < l.length && l[i] == ':';
    }

    // Body.

    private void bodyLine(boolean complete) throws IOException {
        byte[] l = line.toByteArray();
        line.reset();
        if (!midLine && !boundaries.isEmpty() && l.length >= 2 && l[0] == '-' && l[1] == '-') {
            boundary(l);
        }
        midLine = !complete;
        if (checks.strict().body8bit() && bodyEncoding.equals("7bit") && has8bit(l, l.length)) {
            mimeError(CleanupTexts.MimeError.BODY_8BIT, new String(l, StandardCharsets.UTF_8));
        }
        String result = null;
        boolean checked = verdict.inspecting() && !checks.body().isEmpty()
                && (checks.bodyLimit() <= 0 || bodyOffset < checks.bodyLimit());
        bodyOffset += l.length + (complete ? 1 : 0);
        if (checked) {
            String text = new String(l, StandardCharsets.UTF_8);
            Optional<String> value = ContentChecks.find(checks.body(), text);
            if (value.isPresent()) {
                result = actions.act(false, text, value.get(), "body_checks");
                if (result == null) {
                    return;
                }
                if (result == text) {
                    result = null;
                }
            }
        }
        emit(result == null ? l : result.getBytes(StandardCharsets.UTF_8), complete);
    }

    /** A {@code --boundary} line of an open multipart starts its next part; {@code --boundary--} closes it. */
    private void boundary(byte[] l) {
        int depth = 0;
        for (Boundary b : boundaries) {
            if (startsWith(l, b.marker())) {
                for (int i = 0; i < depth; i++) {
                    boundaries.pop();
                }
                int m = b.marker().length;
                if (l.length >= m + 2 && l[m] == '-' && l[m + 1] == '-') {
                    boundaries.pop();
                } else {
                    inHeaders = true;
                    headerClass = HeaderClass.MULTIPART;
                    section(b.digest());
                }
                return;
            }
            depth++;
        }
    }

    private static boolean startsWith(byte[] l, byte[] prefix) {
        if (l.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (l[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private void emit(byte[] bytes, boolean newline) throws IOException {
        if (verdict.keeping()) {
            out.write(bytes);
            if (newline) {
                out.write('\n');
            }
        }
    }
}
