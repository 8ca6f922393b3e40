package org.bulwark.milter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the modification requests a milter sends at end of message into {@link MessageEdit}
 * values, with Postfix's checks (header indexes, body replacement not mixed with other requests).
 */
final class EditReader {

    private final List<MessageEdit> edits;
    private final Path spillDirectory;
    private ReplacementBody body;
    private boolean bodyDone;

    EditReader(List<MessageEdit> edits, Path spillDirectory) {
        this.edits = edits;
        this.spillDirectory = spillDirectory;
    }

    /**
     * Reads one request from the frame just read.
     *
     * @return null, or what was wrong with the request (for the log line)
     * @throws IOException when the frame is malformed or the body cannot be stored
     */
    String read(byte reply, FrameReader in, boolean leadingSpace) throws IOException {
        switch (reply) {
            case MilterProtocol.R_ADDHEADER -> {
                String name = in.getString();
                edits.add(new MessageEdit.AddHeader(name, value(in.getString(), leadingSpace)));
            }
            case MilterProtocol.R_INSHEADER -> {
                int index = in.getInt();
                String name = in.getString();
                String value = in.getString();
                if (index < 0) {
                    return MilterTexts.badInsertIndex(index);
                }
                edits.add(new MessageEdit.InsertHeader(index, name, value(value, leadingSpace)));
            }
            case MilterProtocol.R_CHGHEADER -> {
                int index = in.getInt();
                String name = in.getString();
                String value = in.getString();
                // Sendmail compatibility: index 0 means the first occurrence.
                if (index == 0) {
                    index = 1;
                }
                if (index < 1) {
                    return MilterTexts.badChangeIndex(index);
                }
                if (name.isEmpty()) {
                    return MilterTexts.nullChangeName();
                }
                edits.add(value.isEmpty() ? new MessageEdit.DeleteHeader(name, index)
                        : new MessageEdit.ChangeHeader(name, index, value(value, leadingSpace)));
            }
            case MilterProtocol.R_ADDRCPT -> edits.add(new MessageEdit.AddRecipient(in.getString(), ""));
            case MilterProtocol.R_ADDRCPT_PAR -> {
                String address = in.getString();
                edits.add(new MessageEdit.AddRecipient(address, in.remaining() > 0 ? in.getString() : ""));
            }
            case MilterProtocol.R_DELRCPT -> edits.add(new MessageEdit.DeleteRecipient(in.getString()));
            case MilterProtocol.R_CHGFROM -> {
                String address = in.getString();
                edits.add(new MessageEdit.ChangeSender(address, in.remaining() > 0 ? in.getString() : ""));
            }
            case MilterProtocol.R_REPLBODY -> {
                if (bodyDone) {
                    return MilterTexts.bodyMixed();
                }
                if (body == null) {
                    body = new ReplacementBody(spillDirectory);
                    edits.add(new MessageEdit.ReplaceBody(body));
                }
                try {
                    body.append(in.buffer(), in.position(), in.remaining());
                } catch (IOException e) {
                    return MilterTexts.bodyWriteFailed(MilterTexts.why(e));
                }
                in.skipRest();
            }
            default -> throw new MilterException(MilterTexts.unexpectedResponse(reply, MilterProtocol.BODYEOB));
        }
        if (in.remaining() > 0) {
            throw new MilterException(MilterTexts.trailingData(reply, in.remaining()));
        }
        return null;
    }

    /** A request other than SMFIR_REPLBODY ends a body replacement. */
    void endBody() throws IOException {
        if (body != null && !bodyDone) {
            bodyDone = true;
            body.finish();
        }
    }

    /**
     * The value as it follows the colon: Postfix puts one space after the colon unless the milter
     * negotiated SMFIP_HDR_LEADSPC, and Sendmail-style bare newlines become CRLF.
     */
    private static String value(String v, boolean leadingSpace) {
        String crlf = v.replace("\r\n", "\n").replace("\n", "\r\n");
        return leadingSpace ? crlf : " " + crlf;
    }
}
