package org.bulwark.cleanup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.mail.Envelope;
import org.bulwark.mailauth.DkimSigningKey;
import org.bulwark.mailauth.HeaderField;
import org.bulwark.mailauth.MailAuthentication;
import org.bulwark.mailauth.MessageHeaders;
import org.bulwark.util.Cidr;

/**
 * Sits between the header filter and the queue file when a message is to be DKIM-signed or
 * checked: it keeps the finished header block (at most {@code header_size_limit} per field),
 * spools the body to a temporary file while hashing it, and at the end writes Authentication-Results,
 * the DKIM-Signature fields, the headers and the body. Signing happens here, after every other
 * header change (RFC 6376 §5.3 wants the final form signed).
 */
final class AuthenticationFilter extends HeaderBlockStream {

    private final OutputStream out;
    private final MailAuthentication auth;
    private final Envelope envelope;
    private final boolean sign;
    private Path spool;
    private OutputStream spoolOut;
    private OutputStream signHash;
    private MailAuthentication.Inbound inbound;
    private MailAuthentication.Verdict verdict;

    /** @param sign true to sign (trusted clients), false to check (mail from outside) */
    AuthenticationFilter(OutputStream out, MailAuthentication auth, Envelope envelope, boolean sign) {
        super(4096);
        this.out = out;
        this.auth = auth;
        this.envelope = envelope;
        this.sign = sign;
    }

    @Override
    void body(byte[] b, int off, int len) throws IOException {
        spoolOut.write(b, off, len);
        if (signHash != null) {
            signHash.write(b, off, len);
        }
        if (inbound != null) {
            inbound.body().write(b, off, len);
        }
    }

    @Override
    void bodyStarts() throws IOException {
        spool = Files.createTempFile("bulwark-body", ".tmp");
        spoolOut = new BufferedOutputStream(Files.newOutputStream(spool));
        List<HeaderField> fields = fields();
        if (sign) {
            signHash = auth.signer().bodyHash();
        } else {
            inbound = auth.inbound(fields.stream().filter(f -> !auth.isOurs(f)).toList());
        }
    }

    private List<HeaderField> fields() {
        return MessageHeaders.parse(headers().toString(StandardCharsets.ISO_8859_1));
    }

    /**
     * Writes the message out; returns the verdict of the checks (null when signing). A failure
     * to sign leaves the message unsigned rather than losing it.
     */
    MailAuthentication.Verdict finish() throws IOException {
        if (!inBody()) {
            enterBody();
        }
        spoolOut.close();
        List<HeaderField> fields = fields();
        List<String> added = new ArrayList<>();
        if (sign) {
            long now = System.currentTimeMillis() / 1000;
            for (DkimSigningKey key : auth.keysFor(fields, envelope.sender())) {
                try {
                    added.add(auth.signer().sign(key, fields, signHash, now));
                } catch (GeneralSecurityException e) {
                    throw new IOException(CleanupTexts.dkimSigningFailed(key.domain(), key.selector(), e.getMessage()), e);
                }
            }
        } else {
            verdict = inbound.finish(clientAddress(), envelope.client().helo(), envelope.sender());
            added.add(verdict.header());
        }
        for (String field : added) {
            out.write(lf(field));
            out.write('\n');
        }
        for (HeaderField f : fields) {
            if (!auth.isOurs(f)) {
                out.write(lf(f.raw()));
                out.write('\n');
            }
        }
        out.write('\n');
        try (InputStream body = Files.newInputStream(spool)) {
            body.transferTo(out);
        }
        out.flush();
        return verdict;
    }

    /** Removes the spool file; safe more than once. */
    void discard() {
        try {
            if (spoolOut != null) {
                spoolOut.close();
            }
            if (spool != null) {
                Files.deleteIfExists(spool);
            }
        } catch (IOException e) {
            // A leftover temporary file is harmless.
        }
    }

    private InetAddress clientAddress() throws IOException {
        String address = envelope.client().address();
        byte[] bytes = address == null ? null : Cidr.literalBytes(address);
        return bytes == null ? InetAddress.getLoopbackAddress() : InetAddress.getByAddress(bytes);
    }

    /** The queue file keeps LF line ends. */
    private static byte[] lf(String field) {
        return field.replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void flush() {
        // Nothing reaches the queue file before finish().
    }

    static boolean isTrusted(Envelope envelope, boolean inMynetworks) {
        return envelope.client().isLocalSubmission() || envelope.client().saslUsername() != null || inMynetworks;
    }
}
