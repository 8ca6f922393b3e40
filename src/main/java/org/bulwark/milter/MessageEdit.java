package org.bulwark.milter;

/**
 * A change a milter asks for at end of message, for cleanup to apply before the queue commit, in
 * the order the milters sent them. Header values are the text after the colon exactly as it is to
 * be written (the leading space included, continuation lines separated by CRLF). Header indexes
 * count as Postfix counts them: {@code index} of a change or delete is the 1-based occurrence of
 * that header name in the message as the milters saw it (without our own Received: header); the
 * {@code position} of an insert is 0-based among all headers as the milter saw them (0: before the
 * first header it was sent).
 */
public sealed interface MessageEdit {

    /** Append a header at the end of the header block (SMFIR_ADDHEADER). */
    record AddHeader(String name, String value) implements MessageEdit { }

    /** Insert a header before the header at {@code position} (SMFIR_INSHEADER). */
    record InsertHeader(int position, String name, String value) implements MessageEdit { }

    /** Replace the value of the index-th header of that name (SMFIR_CHGHEADER); if absent, add it. */
    record ChangeHeader(String name, int index, String value) implements MessageEdit { }

    /** Delete the index-th header of that name (SMFIR_CHGHEADER with an empty value). */
    record DeleteHeader(String name, int index) implements MessageEdit { }

    /** Replace the whole body (SMFIR_REPLBODY, all chunks). */
    record ReplaceBody(ReplacementBody body) implements MessageEdit { }

    /** Add a recipient, with ESMTP parameters ("" when none) (SMFIR_ADDRCPT, SMFIR_ADDRCPT_PAR). */
    record AddRecipient(String address, String args) implements MessageEdit { }

    /** Delete a recipient, as given by the milter, usually in angle brackets (SMFIR_DELRCPT). */
    record DeleteRecipient(String address) implements MessageEdit { }

    /** Replace the envelope sender, with ESMTP parameters ("" when none) (SMFIR_CHGFROM). */
    record ChangeSender(String address, String args) implements MessageEdit { }

    /** Put the message on hold with this reason (SMFIR_QUARANTINE). */
    record Quarantine(String reason) implements MessageEdit { }
}
