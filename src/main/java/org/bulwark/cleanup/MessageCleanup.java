package org.bulwark.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import org.bulwark.log.MailLog;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.QueueFileWriter;

/** One message between {@link Cleanup#open} and its commit or abort. */
final class MessageCleanup implements CleanupSession {

    private final QueueFileWriter writer;
    private final HeaderStream content;
    private final MailLog.Logger log;
    private boolean committed;

    MessageCleanup(QueueFileWriter writer, HeaderStream content, MailLog.Logger log) {
        this.writer = writer;
        this.content = content;
        this.log = log;
    }

    @Override
    public QueueId queueId() {
        return writer.id();
    }

    @Override
    public OutputStream content() {
        return content;
    }

    @Override
    public QueueId commit() throws IOException {
        if (committed) {
            return writer.id();
        }
        try {
            content.finish();
            // Logged before the commit, as Postfix's cleanup does, so it precedes the queue manager's lines.
            log.info(CleanupTexts.logMessageId(writer.id(), content.messageId()));
            writer.commit();
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
        committed = true;
        return writer.id();
    }

    @Override
    public void abort() {
        if (!committed) {
            writer.abort();
        }
    }

    @Override
    public void close() {
        abort();
    }
}
