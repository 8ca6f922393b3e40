package org.bulwark.queue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;

/**
 * Writes and parses the queue file layout described in QUEUE_FORMAT.md. Everything that must be
 * updated in place sits at a fixed offset with a fixed width, so an update is one positional write.
 */
final class QueueFileFormat {

    static final byte[] VERSION_LINE = "BULWARK-QUEUE 2\n".getBytes(StandardCharsets.US_ASCII);
    /** The version line as the line reader returns it, without its newline. */
    private static final String VERSION = "BULWARK-QUEUE 2";
    /** Files written before the checksum: the same layout with a shorter end marker. */
    private static final String VERSION_1 = "BULWARK-QUEUE 1";

    /** Encoded defer reasons longer than this are cut; mailq shows only the start anyway. */
    static final int REASON_WIDTH = 400;
    /** "S " seq(10) ' ' attempts(10) ' ' next(20) ' ' crc(8) ' ' reason(400) '\n' */
    static final int SLOT_LENGTH = 2 + 10 + 1 + 10 + 1 + 20 + 1 + 8 + 1 + REASON_WIDTH + 1;
    static final long[] SLOT_OFFSETS = {VERSION_LINE.length, VERSION_LINE.length + SLOT_LENGTH};

    static final byte PENDING = '-';
    static final byte DONE = 'D';

    /** 'X' length(20) ' ' checksum(8) " END\n" */
    static final int TRAILER_LENGTH = 1 + 20 + 1 + 8 + 5;
    /** Version 1's end marker: 'X' length(20) " END\n" */
    private static final int TRAILER_LENGTH_1 = 1 + 20 + 5;
    /**
     * Where the bytes the checksum covers start: the T record, after the retry slots (which have
     * checksums of their own and change in place).
     */
    static final int CHECKED_FROM = (int) SLOT_OFFSETS[1] + SLOT_LENGTH;

    private static final int MAX_LINE = 64 * 1024;

    private QueueFileFormat() {
    }

    /** The retry bookkeeping; two copies alternate so a torn write never loses both. */
    record DeferState(long sequence, int attempts, Instant nextAttempt, String reason) {

        static final DeferState INITIAL = new DeferState(1, 0, Instant.EPOCH, null);

        DeferState next(Instant nextAttempt, String reason) {
            return new DeferState(sequence + 1, attempts + 1, nextAttempt, reason);
        }

        long slotOffset() {
            return SLOT_OFFSETS[(int) (sequence % 2)];
        }
    }

    /** The envelope section's bytes and where each recipient's status byte lands. */
    record EnvelopeSection(byte[] bytes, long[] statusOffsets) {
    }

    /**
     * What a parse found: the envelope, state, recipients' marks and where the content lies.
     * {@code wholeFile}: the file as read, when it was small enough to read in one piece; else null.
     * {@code checksum}: the one the end marker holds, -1 in a version 1 file, which has none.
     */
    record Parsed(Envelope envelope, DeferState state, boolean[] done, long[] statusOffsets,
            long contentStart, long contentLength, byte[] wholeFile, long checksum) {

        /** The file's length: it never changes once committed (done marks and retry slots are written in place). */
        long fileSize() {
            return contentStart + contentLength + (checksum < 0 ? TRAILER_LENGTH_1 : TRAILER_LENGTH);
        }
    }

    /** Files up to this size are read in one system call, and their content is kept for delivery. */
    static final int SMALL_FILE = 16 * 1024;

    static byte[] slot(DeferState state) {
        String reason = encodeReason(state.reason());
        String fields = zeroPadded(state.sequence(), 10) + " " + zeroPadded(state.attempts(), 10) + " "
                + zeroPadded(state.nextAttempt().toEpochMilli(), 20);
        String line = "S " + fields + " " + crcHex(fields + " " + reason) + " " + pad(reason) + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length != SLOT_LENGTH) {
            throw new IllegalStateException("slot length " + bytes.length);
        }
        return bytes;
    }

    /** The reason escaped to ASCII, cut at a whole character so it fits the fixed width. */
    private static String encodeReason(String reason) {
        String encoded = FieldCodec.encodeAscii(reason);
        if (encoded.length() <= REASON_WIDTH) {
            return encoded;
        }
        StringBuilder out = new StringBuilder(REASON_WIDTH);
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            String piece = FieldCodec.encodeAscii(new String(Character.toChars(cp)));
            if (out.length() + piece.length() > REASON_WIDTH) {
                break;
            }
            out.append(piece);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static String pad(String reason) {
        int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
        return reason + " ".repeat(Math.max(0, REASON_WIDTH - bytes));
    }

    static EnvelopeSection envelope(Envelope envelope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        out.writeBytes(VERSION_LINE);
        // Slot i holds the states whose sequence is i modulo 2; both start valid.
        out.writeBytes(slot(new DeferState(0, 0, Instant.EPOCH, null)));
        out.writeBytes(slot(DeferState.INITIAL));
        Instant arrival = envelope.arrival();
        line(out, "T", Long.toString(arrival.getEpochSecond()), Integer.toString(arrival.getNano()));
        line(out, "F", FieldCodec.encode(envelope.sender().storedForm()));
        ClientInfo c = envelope.client();
        line(out, "C", FieldCodec.encode(c.name()), FieldCodec.encode(c.address()), FieldCodec.encode(c.helo()),
                FieldCodec.encode(c.protocol()), FieldCodec.encode(c.saslUsername()));
        line(out, "O", FieldCodec.encode(envelope.body()), FieldCodec.encode(envelope.ret()),
                FieldCodec.encode(envelope.envid()), envelope.smtputf8() ? "1" : "0");
        if (envelope.filter() != null) {
            // Postfix's REC_TYPE_FILT is 'L' too; absent when no content filter applies.
            line(out, "L", FieldCodec.encode(envelope.filter()));
        }
        if (envelope.probe()) {
            // An address verification probe (Postfix's DEL_REQ_FLAG_MTA_VRFY): absent for all other mail.
            line(out, "V");
        }
        List<Recipient> recipients = envelope.recipients();
        line(out, "N", Integer.toString(recipients.size()));
        long[] offsets = new long[recipients.size()];
        for (int i = 0; i < recipients.size(); i++) {
            Recipient r = recipients.get(i);
            offsets[i] = out.size() + 1;
            line(out, "R" + (char) PENDING, FieldCodec.encode(r.address().storedForm()),
                    FieldCodec.encode(r.originalRecipient()), FieldCodec.encode(r.dsnNotify()));
        }
        line(out, "M");
        return new EnvelopeSection(out.toByteArray(), offsets);
    }

    static byte[] trailer(long contentLength, Checksum checksum) {
        return ("X" + zeroPadded(contentLength, 20) + " " + hex(checksum.value()) + " END\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The end marker's checksum: CRC32C of the queue ID, then of the file from {@link #CHECKED_FROM}
     * to the end of the content, every recipient's status byte counted as pending. It tells a
     * message from what a crash can leave under its name before its fsync: a reused file's older
     * message, whole (another ID) or in part (other bytes).
     */
    static final class Checksum {
        private final CRC32C crc = new CRC32C();

        Checksum(QueueId id) {
            crc.update(id.value().getBytes(StandardCharsets.US_ASCII));
        }

        void update(byte[] bytes, int offset, int length) {
            crc.update(bytes, offset, length);
        }

        void update(int b) {
            crc.update(b);
        }

        /** The file's bytes from {@code position} up to {@code end}, read from {@code channel}. */
        void update(FileChannel channel, long position, long end) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(1, end - position)));
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IllegalArgumentException("truncated: the file shrank while read");
                }
                position += n;
                crc.update(buffer.flip());
            }
        }

        /** Bytes of the file from {@code position} on, with the status bytes at {@code marks} (ascending) as pending. */
        void update(byte[] bytes, int offset, int length, long position, long[] marks) {
            int done = 0;
            for (long mark : marks) {
                if (mark >= position && mark < position + length) {
                    int at = (int) (mark - position);
                    crc.update(bytes, offset + done, at - done);
                    crc.update(PENDING);
                    done = at + 1;
                }
            }
            crc.update(bytes, offset + done, length - done);
        }

        long value() {
            return crc.getValue();
        }
    }

    private static void line(ByteArrayOutputStream out, String type, String... fields) {
        StringBuilder b = new StringBuilder(type);
        for (String f : fields) {
            b.append(' ').append(f);
        }
        out.writeBytes(b.append('\n').toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses the envelope and checks the trailer. A small file is read whole, in one read; of a
     * larger one the content itself is not read.
     */
    static Parsed parse(FileChannel channel, QueueId id) throws IOException {
        long size = channel.size();
        if (size <= SMALL_FILE) {
            byte[] file = new byte[(int) size];
            ByteBuffer buffer = ByteBuffer.wrap(file);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, buffer.position()) < 0) {
                    throw new IllegalArgumentException("truncated: the file shrank while read");
                }
            }
            return parse(file, id);
        }
        // The reader buffers for itself.
        return parse(new LineReader(Channels.newInputStream(channel.position(0))), size, (at, length) -> read(channel, at, length),
                null, id);
    }

    /**
     * Parses a small file's bytes (at most {@link #SMALL_FILE}), kept as its {@code wholeFile}; its
     * checksum is checked, which costs little with the bytes at hand.
     */
    static Parsed parse(byte[] file, QueueId id) throws IOException {
        return parse(new LineReader(file), file.length,
                (at, length) -> java.util.Arrays.copyOfRange(file, (int) at, (int) at + length), file, id);
    }

    /** Bytes of the file at an offset already checked to lie inside it. */
    private interface TrailerSource {
        byte[] read(long offset, int length) throws IOException;
    }

    private static Parsed parse(LineReader reader, long size, TrailerSource trailerSource, byte[] wholeFile, QueueId id)
            throws IOException {
        String version = reader.next();
        boolean checksummed = version.equals(VERSION);
        if (!checksummed && !version.equals(VERSION_1)) {
            throw new IllegalArgumentException("unknown queue file version");
        }
        DeferState a = parseSlot(reader.next());
        DeferState b = parseSlot(reader.next());
        DeferState state = a == null ? b : b == null ? a : a.sequence() >= b.sequence() ? a : b;
        if (state == null) {
            throw new IllegalArgumentException("both retry records are damaged");
        }
        String[] t = fields(reader.next(), "T", 2);
        Instant arrival = Instant.ofEpochSecond(Long.parseLong(t[0]), Integer.parseInt(t[1]));
        MailAddress sender = MailAddress.of(required(fields(reader.next(), "F", 1)[0]));
        String[] c = fields(reader.next(), "C", 5);
        ClientInfo client = new ClientInfo(FieldCodec.decode(c[0]), FieldCodec.decode(c[1]),
                FieldCodec.decode(c[2]), FieldCodec.decode(c[3]), FieldCodec.decode(c[4]));
        String[] o = fields(reader.next(), "O", 4);
        String next = reader.next();
        String filter = null;
        if (next.startsWith("L ")) {
            filter = FieldCodec.decode(fields(next, "L", 1)[0]);
            if (filter == null || filter.startsWith(":")) {
                throw new IllegalArgumentException("bad L record");
            }
            next = reader.next();
        }
        boolean probe = false;
        if (next.equals("V")) {
            probe = true;
            next = reader.next();
        }
        int count = Integer.parseInt(fields(next, "N", 1)[0]);
        if (count < 0 || count > 1_000_000) {
            throw new IllegalArgumentException("bad recipient count " + count);
        }
        List<Recipient> recipients = new ArrayList<>(count);
        boolean[] done = new boolean[count];
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = reader.offset() + 1;
            String line = reader.next();
            if (line.length() < 2 || line.charAt(0) != 'R' || (line.charAt(1) != PENDING && line.charAt(1) != DONE)) {
                throw new IllegalArgumentException("bad recipient record");
            }
            done[i] = line.charAt(1) == DONE;
            String[] r = fields("R" + line.substring(2), "R", 3);
            recipients.add(new Recipient(MailAddress.of(required(r[0])), FieldCodec.decode(r[1]), FieldCodec.decode(r[2])));
        }
        if (!reader.next().equals("M")) {
            throw new IllegalArgumentException("missing content marker");
        }
        long contentStart = reader.offset();
        int trailerLength = checksummed ? TRAILER_LENGTH : TRAILER_LENGTH_1;
        if (size < contentStart + trailerLength) {
            throw new IllegalArgumentException("truncated: no end marker");
        }
        String trailer = new String(trailerSource.read(size - trailerLength, trailerLength), StandardCharsets.US_ASCII);
        if (!isTrailer(trailer, checksummed)) {
            throw new IllegalArgumentException("truncated: no end marker");
        }
        long contentLength = Long.parseLong(trailer.substring(1, 21));
        if (contentStart + contentLength + trailerLength != size) {
            throw new IllegalArgumentException("content length does not match the end marker");
        }
        long checksum = checksummed ? Long.parseLong(trailer.substring(22, 30), 16) : -1;
        Envelope envelope = new Envelope(sender, recipients, arrival, client, FieldCodec.decode(o[0]),
                FieldCodec.decode(o[1]), FieldCodec.decode(o[2]), o[3].equals("1"), filter, probe);
        Parsed parsed = new Parsed(envelope, state, done, offsets, contentStart, contentLength, wholeFile, checksum);
        if (wholeFile != null && checksummed) {
            Checksum actual = new Checksum(id);
            actual.update(wholeFile, CHECKED_FROM, (int) (contentStart + contentLength) - CHECKED_FROM, CHECKED_FROM, offsets);
            checkSum(parsed, actual);
        }
        return parsed;
    }

    /**
     * Reads a large file's envelope and content to check its checksum (a small one's is checked as
     * it is parsed): done at recovery, for the files in active/, which a commit may have left unsynced.
     */
    static void verify(FileChannel channel, Parsed parsed, QueueId id) throws IOException {
        if (parsed.checksum() < 0 || parsed.wholeFile() != null) {
            return;
        }
        Checksum actual = new Checksum(id);
        byte[] envelope = read(channel, CHECKED_FROM, (int) parsed.contentStart() - CHECKED_FROM);
        actual.update(envelope, 0, envelope.length, CHECKED_FROM, parsed.statusOffsets());
        actual.update(channel, parsed.contentStart(), parsed.contentStart() + parsed.contentLength());
        checkSum(parsed, actual);
    }

    private static void checkSum(Parsed parsed, Checksum actual) {
        if (actual.value() != parsed.checksum()) {
            throw new IllegalArgumentException("checksum does not match the end marker: not this message's bytes");
        }
    }

    private static byte[] read(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new EOFException();
            }
        }
        return buffer.array();
    }

    /** {@code X}, twenty digits, (version 2) a space and eight hex digits, {@code  END} and a newline. */
    private static boolean isTrailer(String text, boolean checksummed) {
        if (text.length() != (checksummed ? TRAILER_LENGTH : TRAILER_LENGTH_1) || text.charAt(0) != 'X'
                || !text.endsWith(" END\n")) {
            return false;
        }
        for (int i = 1; i <= 20; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        if (checksummed) {
            if (text.charAt(21) != ' ') {
                return false;
            }
            for (int i = 22; i < 30; i++) {
                if (Character.digit(text.charAt(i), 16) < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static DeferState parseSlot(String line) {
        if (line.length() != SLOT_LENGTH - 1 || !line.startsWith("S ")) {
            return null;
        }
        String fields = line.substring(2, 44);
        String crc = line.substring(45, 53);
        String reason = line.substring(54).stripTrailing();
        if (!crc.equals(crcHex(fields + " " + reason))) {
            return null;
        }
        try {
            String[] f = fields.split(" ");
            return new DeferState(Long.parseLong(f[0]), Integer.parseInt(f[1]),
                    Instant.ofEpochMilli(Long.parseLong(f[2])), FieldCodec.decode(reason));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String[] fields(String line, String type, int count) {
        String[] parts = line.split(" ", -1);
        if (!parts[0].equals(type) || parts.length != count + 1) {
            throw new IllegalArgumentException("bad " + type + " record");
        }
        String[] out = new String[count];
        System.arraycopy(parts, 1, out, 0, count);
        return out;
    }

    private static String required(String token) {
        String value = FieldCodec.decode(token);
        if (value == null) {
            throw new IllegalArgumentException("missing address");
        }
        return value;
    }

    private static String crcHex(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return hex(crc.getValue());
    }

    private static String hex(long crc) {
        String hex = Long.toHexString(crc);
        return "00000000".substring(hex.length()) + hex;
    }

    /** A non-negative number in {@code width} digits; written per message, so without a Formatter. */
    private static String zeroPadded(long value, int width) {
        String digits = Long.toString(value);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    /** Reads LF-terminated lines of bounded length, counting bytes so offsets are exact. */
    /**
     * The envelope's lines, scanned in the bytes read a buffer at a time (a byte at a time through
     * the stream cost more than the rest of a small file's parse). Reads ahead of the line it
     * returns: the caller takes only lines and {@link #offset()} from the stream.
     */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] buffer;
        private int position;
        private int limit;
        private long offset;

        LineReader(InputStream in) {
            this.in = in;
            this.buffer = new byte[8192];
        }

        /** Over a whole file already in memory, read in place. */
        LineReader(byte[] file) {
            this.in = null;
            this.buffer = file;
            this.limit = file.length;
        }

        /** The file offset just after the last line returned. */
        long offset() {
            return offset;
        }

        String next() throws IOException {
            byte[] spanning = null; // a line's start, when it runs past the buffer
            int length = 0;
            while (true) {
                if (position == limit) {
                    int n = in == null ? -1 : in.read(buffer);
                    if (n <= 0) {
                        throw new IllegalArgumentException("truncated envelope");
                    }
                    position = 0;
                    limit = n;
                }
                int start = position;
                int end = start;
                while (end < limit && buffer[end] != '\n') {
                    end++;
                }
                int n = end - start;
                if (length + n > MAX_LINE) {
                    throw new IllegalArgumentException("envelope line too long");
                }
                boolean complete = end < limit;
                position = complete ? end + 1 : end;
                offset += complete ? n + 1 : n;
                if (complete && spanning == null) {
                    return new String(buffer, start, n, StandardCharsets.UTF_8);
                }
                if (spanning == null || spanning.length < length + n) {
                    spanning = java.util.Arrays.copyOf(spanning == null ? new byte[0] : spanning,
                            Math.max(length + n, 2 * length));
                }
                System.arraycopy(buffer, start, spanning, length, n);
                length += n;
                if (complete) {
                    return new String(spanning, 0, length, StandardCharsets.UTF_8);
                }
            }
        }
    }
}
