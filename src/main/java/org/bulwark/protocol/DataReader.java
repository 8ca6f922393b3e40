package org.bulwark.protocol;

import java.io.IOException;

/**
 * Reads DATA content (RFC 5321 §4.1.1.4): lines until a line holding only a dot, removing the
 * leading dot of stuffed lines (§4.5.2). The end is recognised ONLY as CRLF "." CRLF: a dot line
 * that follows a bare LF or ends in one ({@code \n.\n}, {@code \r\n.\n}, {@code \n.\r\n}) or a bare
 * CR ({@code \r.\r}) is content, so that nobody can smuggle a second message past us.
 */
public final class DataReader {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LF = {'\n'};

    private final BareNewline bareNewline;
    private final int segmentLength;

    /** @param segmentLength the longest piece read at once (line_length_limit); longer lines are read in pieces */
    public DataReader(BareNewline bareNewline, int segmentLength) {
        this.bareNewline = bareNewline;
        this.segmentLength = Math.max(segmentLength, 80);
    }

    /** How the content ended. */
    public enum Outcome {
        /** CRLF.CRLF was read. */
        COMPLETE,
        /** A bare LF came in while they are refused; the rest was not read. */
        BARE_NEWLINE
    }

    /** Reads up to the end of the content; the sink gets the unstuffed message. */
    public Outcome read(SmtpInput input, ContentSink sink) throws IOException {
        boolean lineStart = true;
        boolean afterCrlf = true; // the DATA command's own CRLF starts the content
        SmtpInput.Piece piece = new SmtpInput.Piece();
        while (true) {
            input.readPiece(segmentLength, piece);
            LineEnding ending = piece.ending();
            if (lineStart && afterCrlf && ending == LineEnding.CRLF && piece.isDot()) {
                return Outcome.COMPLETE;
            }
            if (ending == LineEnding.BARE_LF && bareNewline == BareNewline.REJECT) {
                return Outcome.BARE_NEWLINE;
            }
            byte[] bytes = piece.array();
            int length = piece.length();
            int skip = lineStart && length > 1 && bytes[piece.offset()] == '.' ? 1 : 0;
            if (ending == LineEnding.CRLF && piece.crlfFollows()) {
                // The line and its CRLF in one call: the common case, one write per line.
                sink.write(bytes, piece.offset() + skip, length - skip + 2);
            } else {
                sink.write(bytes, piece.offset() + skip, length - skip);
                switch (ending) {
                    case CRLF -> sink.write(CRLF);
                    case BARE_LF -> sink.write(bareNewline == BareNewline.NO ? LF : CRLF);
                    case NONE -> { }
                }
            }
            lineStart = ending != LineEnding.NONE;
            afterCrlf = ending == LineEnding.CRLF;
        }
    }
}
