package org.bulwark.milter;

import java.util.List;

/**
 * The milters' answer at end of message: the decision, and the edits to apply when the decision
 * proceeds ({@link MilterReply#proceeds()}). When it does not, the caller discards the edits with
 * {@link #discardEdits()} (a replacement body may hold a temporary file).
 */
public record MessageResult(MilterReply reply, List<MessageEdit> edits) {

    public MessageResult {
        edits = List.copyOf(edits);
    }

    /** Releases what the edits hold (temporary files of body replacements). */
    public void discardEdits() {
        for (MessageEdit edit : edits) {
            if (edit instanceof MessageEdit.ReplaceBody(ReplacementBody body)) {
                body.close();
            }
        }
    }
}
