package org.bulwark.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.bulwark.pickup.MaildropFile;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.PathArgument;
import org.bulwark.protocol.ProtocolException;
import org.bulwark.protocol.ReplyTexts;

/**
 * {@code sendmail -bs}: an SMTP dialogue on standard input and output, as Postfix's smtpd runs
 * in its stand-alone mode for a local user. There is no network client, so no restrictions
 * apply (the user could run sendmail without -bs just as well); each message goes the way of
 * every sendmail submission, into maildrop/ for pickup, and the 250 goes out only after the file
 * and its directory are synced. Lines may end in CRLF or, from a script, in a bare LF.
 */
final class SmtpSubmission {

    /** Postfix's line_length_limit: longer command lines are refused, longer content lines kept. */
    private static final int COMMAND_LIMIT = 2048;

    private final Path maildrop;
    private final String user;
    private final String myhostname;
    private final String banner;
    private final long sizeLimit;
    private final InputStream in;
    private final OutputStream out;
    private String sender;
    private final List<String> recipients = new ArrayList<>();
    /** Whether the current message's content was read to its end (so nothing is left to skip). */
    private boolean contentEnded;

    SmtpSubmission(Path maildrop, String user, String myhostname, String banner, long sizeLimit,
            InputStream in, OutputStream out) {
        this.maildrop = maildrop;
        this.user = user;
        this.myhostname = myhostname;
        this.banner = banner;
        this.sizeLimit = sizeLimit;
        this.in = in;
        this.out = out;
    }

    /** Runs the dialogue until QUIT or the end of input. */
    void run() throws IOException {
        reply(ReplyTexts.banner(banner));
        while (true) {
            byte[] raw = readLine();
            if (raw == null) {
                return;
            }
            if (raw.length > COMMAND_LIMIT) {
                reply(ReplyTexts.LINE_TOO_LONG);
                continue;
            }
            Command command = Command.parse(new String(raw, StandardCharsets.UTF_8));
            String verb = command.verb().toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "HELO" -> reply(command.hasArgument() ? ReplyTexts.helo(myhostname) : ReplyTexts.HELO_SYNTAX);
                case "EHLO" -> reply(command.hasArgument()
                        ? ReplyTexts.ehlo(myhostname, List.of("PIPELINING", sizeLimit > 0 ? "SIZE " + sizeLimit : "SIZE",
                                "ENHANCEDSTATUSCODES", "8BITMIME"))
                        : ReplyTexts.EHLO_SYNTAX);
                case "MAIL" -> mail(command);
                case "RCPT" -> rcpt(command);
                case "DATA" -> data(command);
                case "RSET" -> {
                    reset();
                    reply(ReplyTexts.OK);
                }
                case "NOOP" -> reply(ReplyTexts.OK);
                case "VRFY" -> reply(command.hasArgument() ? ReplyTexts.vrfy(command.argument()) : ReplyTexts.VRFY_SYNTAX);
                case "QUIT" -> {
                    reply(ReplyTexts.BYE);
                    return;
                }
                case "" -> reply(ReplyTexts.BAD_SYNTAX);
                default -> reply(ReplyTexts.NOT_RECOGNIZED);
            }
        }
    }

    private void mail(Command command) throws IOException {
        if (sender != null) {
            reply(ReplyTexts.NESTED_MAIL);
            return;
        }
        try {
            PathArgument path = PathArgument.parseMail(command.argument(), false);
            sender = path.address().internal();
            reply(ReplyTexts.SENDER_OK);
        } catch (ProtocolException e) {
            reply(e.reply());
        }
    }

    private void rcpt(Command command) throws IOException {
        if (sender == null) {
            reply(ReplyTexts.NEED_MAIL);
            return;
        }
        try {
            PathArgument path = PathArgument.parseRcpt(command.argument(), false);
            if (path.address().isNullSender()) {
                reply(ReplyTexts.BAD_RECIPIENT);
                return;
            }
            recipients.add(path.address().internal());
            reply(ReplyTexts.RECIPIENT_OK);
        } catch (ProtocolException e) {
            reply(e.reply());
        }
    }

    private void data(Command command) throws IOException {
        if (sender == null || recipients.isEmpty()) {
            reply(sender == null ? ReplyTexts.NEED_RCPT : ReplyTexts.NO_VALID_RECIPIENTS);
            return;
        }
        if (command.hasArgument()) {
            reply(ReplyTexts.DATA_SYNTAX);
            return;
        }
        reply(ReplyTexts.START_DATA);
        SmtpReply result;
        Path temporary = null;
        contentEnded = false;
        try {
            temporary = MaildropWriter.createTemporary(maildrop);
            MaildropFile envelope = new MaildropFile(MaildropWriter.ownerUid(temporary), user, sender, null, false,
                    recipients);
            Path published = MaildropWriter.write(temporary, envelope, this::copyContent);
            result = ReplyTexts.queued(published.getFileName().toString());
        } catch (TooBig e) {
            result = ReplyTexts.MESSAGE_FILE_TOO_BIG;
        } catch (IOException | RuntimeException e) {
            // The content must still be read to its end, or its lines would be taken for commands.
            if (!contentEnded) {
                skipContent();
            }
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
            result = ReplyTexts.QUEUE_WRITE_ERROR;
        }
        reset();
        reply(result);
    }

    /** The content up to the lone dot, unstuffed (RFC 5321 §4.5.2), with LF line ends as maildrop files keep them. */
    private void copyContent(OutputStream file) throws IOException {
        long size = 0;
        boolean tooBig = false;
        byte[] line;
        while ((line = readLine()) != null && !(line.length == 1 && line[0] == '.')) {
            int skip = line.length > 0 && line[0] == '.' ? 1 : 0;
            size += line.length - skip + 1;
            if (sizeLimit > 0 && size > sizeLimit) {
                tooBig = true;
            }
            if (!tooBig) {
                file.write(line, skip, line.length - skip);
                file.write('\n');
            }
        }
        contentEnded = true;
        if (tooBig) {
            throw new TooBig();
        }
    }

    private void skipContent() throws IOException {
        byte[] line;
        while ((line = readLine()) != null && !(line.length == 1 && line[0] == '.')) {
            // discarded
        }
    }

    private void reset() {
        sender = null;
        recipients.clear();
    }

    /** One line without its LF or CRLF; null at the end of input. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        if (c < 0 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
    }

    private void reply(SmtpReply reply) throws IOException {
        out.write(reply.wire().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The content exceeded message_size_limit; the maildrop file is removed, not published. */
    private static final class TooBig extends IOException {
        TooBig() {
            super("message file too big");
        }
    }
}
