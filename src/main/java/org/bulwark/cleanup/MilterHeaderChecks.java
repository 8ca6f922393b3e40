package org.bulwark.cleanup;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;
import org.bulwark.table.LookupTable;

/**
 * milter_header_checks for one message (Postfix's cleanup_milter_header_checks): each header a
 * milter adds, inserts or changes is looked up as header_checks would look it up, before it goes
 * into the message. The actions are Postfix's subset: WARN, INFO, REPLACE, IGNORE and STRIP as in
 * header_checks; REJECT, DISCARD, HOLD, REDIRECT, FILTER and BCC decide the message's fate at
 * commit; REJECT, DISCARD and REDIRECT end the checks, and REJECT and DISCARD the milters too.
 * PREPEND is logged and then refused with Postfix's warning, PASS is an unsupported command.
 * Each action is logged as {@code milter-header-ACTION}.
 */
final class MilterHeaderChecks {

    static final String MAP_CLASS = "milter_header_checks";

    private final List<LookupTable> tables;
    private final ContentVerdict verdict = new ContentVerdict();
    private final ContentActions actions;

    MilterHeaderChecks(List<LookupTable> tables, MailLog.Logger log, QueueId id, Envelope envelope) {
        this.tables = tables;
        this.actions = ContentActions.forMilterHeaders(verdict, log, id, envelope);
    }

    /** The header ("Name: value", LF between folded lines) as it goes in: itself, a replacement, or null to drop it. */
    String check(String header) throws IOException {
        if (!verdict.inspecting()) {
            return header;
        }
        Optional<String> value = ContentChecks.find(tables, header);
        if (value.isEmpty()) {
            return header;
        }
        String result = actions.act(true, header, value.get(), MAP_CLASS);
        // A discarded message keeps none of the milters' headers, as Postfix's cleanup adds none after DISCARD.
        return verdict.discarded() ? null : result;
    }

    /** Whether the checks have decided to refuse or drop the message: no later milter needs to see it. */
    boolean decided() {
        return verdict.reject() != null || verdict.discarded();
    }

    ContentVerdict verdict() {
        return verdict;
    }
}
