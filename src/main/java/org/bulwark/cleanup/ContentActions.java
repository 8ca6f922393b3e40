package org.bulwark.cleanup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;

/**
 * cleanup_act in cleanup_message.c: what one matched header or body line does, the log line it
 * writes, and what it leaves in the message's {@link ContentVerdict}.
 */
final class ContentActions {

    /** Writes a PREPEND line ahead of the matched one. */
    @FunctionalInterface
    interface Prepender {
        void write(byte[] line) throws IOException;
    }

    private final ContentVerdict verdict;
    private final MailLog.Logger log;
    private final QueueId id;
    private final Envelope envelope;
    private final Prepender prepend;
    /** "" for header_checks and body_checks; "milter-header-" for milter_header_checks. */
    private final String logPrefix;

    ContentActions(ContentVerdict verdict, MailLog.Logger log, QueueId id, Envelope envelope, Prepender prepend) {
        this(verdict, log, id, envelope, prepend, "");
    }

    private ContentActions(ContentVerdict verdict, MailLog.Logger log, QueueId id, Envelope envelope,
            Prepender prepend, String logPrefix) {
        this.verdict = verdict;
        this.log = log;
        this.id = id;
        this.envelope = envelope;
        this.prepend = prepend;
        this.logPrefix = logPrefix;
    }

    /**
     * The actions of milter_header_checks (cleanup_milter_hbc_extend): logged as
     * {@code milter-header-reject} and so on; PREPEND is logged and then refused with Postfix's
     * warning that it is not implemented there; PASS is not one of them.
     */
    static ContentActions forMilterHeaders(ContentVerdict verdict, MailLog.Logger log, QueueId id, Envelope envelope) {
        return new ContentActions(verdict, log, id, envelope,
                line -> log.warning(CleanupTexts.MILTER_PREPEND_NOT_IMPLEMENTED), "milter-header-");
    }

    /** Applies one action; returns the line to write: {@code text} itself, a replacement, or null to drop it. */
    String act(boolean isHeader, String text, String value, String mapClass) throws IOException {
        String where = isHeader ? "header" : "body";
        switch (CheckAction.parse(value)) {
            case CheckAction.Reject r -> {
                verdict.reject(r.reply());
                logAction("reject", where, text, r.reply().text());
            }
            case CheckAction.Log l -> {
                switch (l.word()) {
                    case "WARN" -> logAction("warning", where, text, l.text());
                    case "INFO" -> logAction("info", where, text, l.text());
                    case "HOLD" -> {
                        if (verdict.holdOnce()) {
                            logAction("hold", where, text, l.text());
                        }
                    }
                    case "DISCARD" -> {
                        logAction("discard", where, text, l.text());
                        verdict.discard();
                    }
                    default -> {
                        if (!logPrefix.isEmpty()) {
                            log.warning(CleanupTexts.unsupportedCommand(mapClass, value.strip()));
                            return text;
                        }
                        logAction("pass", where, text, l.text());
                        verdict.pass();
                    }
                }
            }
            case CheckAction.Prepend p -> {
                if (p.text().isEmpty()) {
                    log.warning(CleanupTexts.actionWithoutText("PREPEND", mapClass));
                } else if (isHeader && !ContentInspector.isHeader(p.text().getBytes(StandardCharsets.UTF_8))) {
                    log.warning(CleanupTexts.badHeaderText("PREPEND", p.text(), mapClass));
                } else {
                    logAction("prepend", where, text, p.text());
                    prepend.write(p.text().getBytes(StandardCharsets.UTF_8));
                }
            }
            case CheckAction.Replace r -> {
                if (r.text().isEmpty()) {
                    log.warning(CleanupTexts.actionWithoutText("REPLACE", mapClass));
                } else if (isHeader && !ContentInspector.isHeader(r.text().getBytes(StandardCharsets.UTF_8))) {
                    log.warning(CleanupTexts.badHeaderText("REPLACE", r.text(), mapClass));
                } else {
                    logAction("replace", where, text, r.text());
                    return r.text();
                }
            }
            case CheckAction.Drop d -> {
                if (d.logged()) {
                    logAction("strip", where, text, d.text());
                }
                return null;
            }
            case CheckAction.Route r -> route(r, where, text, mapClass);
            case CheckAction.Dunno ignored -> {
                // As if the line had not matched.
            }
            case CheckAction.Unknown u -> log.warning(logPrefix.isEmpty() ? CleanupTexts.unknownCommand(mapClass, u.value())
                    : CleanupTexts.unsupportedCommand(mapClass, u.value()));
        }
        return text;
    }

    private void route(CheckAction.Route r, String where, String text, String mapClass) {
        String target = r.text();
        if (r.word().equals("FILTER")) {
            if (target.isEmpty() || target.indexOf(':') < 0) {
                log.warning(CleanupTexts.badFilter(target, mapClass));
                return;
            }
            verdict.filter(target);
            logAction("filter", where, text, target);
            return;
        }
        MailAddress address = ContentVerdict.address(target);
        if (address == null) {
            log.warning(CleanupTexts.badAddress(r.word(), target, mapClass));
            return;
        }
        if (r.word().equals("REDIRECT")) {
            verdict.redirect(address);
            logAction("redirect", where, text, target);
        } else {
            verdict.bcc(address);
            logAction("bcc", where, text, target);
        }
    }

    private void logAction(String action, String where, String content, String text) {
        log.info(CleanupTexts.logCheckAction(id, logPrefix + action, where, content, envelope, text));
    }
}
