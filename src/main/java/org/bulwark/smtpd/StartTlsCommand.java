package org.bulwark.smtpd;

import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.bulwark.anvil.Anvil;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.ReplyTexts;
import org.bulwark.tls.ClientCertificate;
import org.bulwark.tls.ServerTls;
import org.bulwark.tls.TlsSummary;

/**
 * STARTTLS (RFC 3207). Input the client pipelined after the command is thrown away, not read as
 * commands inside TLS (the CVE-2011-0411 class of injection), and everything learned before the
 * handshake is forgotten (RFC 3207 §4.2): HELO, the transaction, any SASL login.
 */
final class StartTlsCommand {

    private final SmtpdSettings settings;
    private final SecuritySettings security;
    private final Anvil anvil;
    private final SessionState state;
    private final SessionLog log;
    private final SessionIo io;

    StartTlsCommand(SmtpdSettings settings, SecuritySettings security, Anvil anvil, SessionState state,
            SessionLog log, SessionIo io) {
        this.settings = settings;
        this.security = security;
        this.anvil = anvil;
        this.state = state;
        this.log = log;
        this.io = io;
    }

    boolean execute(Command command) throws IOException {
        if (!security.offersStartTls() || !settings.offers("STARTTLS")) {
            return io.fail(ReplyTexts.NOT_IMPLEMENTED);
        }
        if (state.encrypted()) {
            return io.fail(ReplyTexts.TLS_ALREADY_ACTIVE);
        }
        if (command.hasArgument()) {
            return io.fail(ReplyTexts.STARTTLS_SYNTAX);
        }
        SmtpReply tooManySessions = anvil.newTlsSession(state.clientAddress(), state.nameAndAddress());
        if (tooManySessions != null) {
            return io.fail(tooManySessions);
        }
        io.reply(ReplyTexts.READY_TO_START_TLS);
        io.flush();
        if (io.input().hasReadAhead()) {
            log.info(SmtpdTexts.discardedAfterStartTls(state.nameAndAddress(), io.input().peekBuffered(100)));
        }
        return encrypt();
    }

    /**
     * The handshake; on success the session reads and writes through TLS from now on. With
     * smtpd_tls_req_ccert a client without a verified certificate gets Postfix's 421 and the
     * connection ends.
     */
    boolean encrypt() throws IOException {
        ServerTls.Established established;
        try {
            established = security.tls().handshake(io.socket(), settings.timeout());
        } catch (IOException e) {
            log.info(SmtpdTexts.handshakeFailed(state.nameAndAddress(), e.getMessage()));
            io.connectionLost();
            return false;
        }
        SSLSocket socket = established.socket();
        io.switchTo(socket);
        state.tlsStarted(established.summary());
        logHandshake(established.summary());
        ClientCertificate peer = established.summary().clientCertificate();
        if (security.tls().requiresClientCertificate() && (peer == null || !peer.trusted())) {
            String why = SmtpdTexts.clientCertificateProblem(peer != null);
            log.info(SmtpdTexts.abortWithoutTrustedCertificate(state.nameAndAddress(), why));
            io.reply(SmtpdTexts.trustedCertificateRequired(settings.myhostname(), why));
            io.flush();
            io.closeAfterReply();
            return false;
        }
        return true;
    }

    /**
     * Postfix's lines: certificate names and fingerprints at smtpd_tls_loglevel 2, why a
     * certificate did not verify at 2 or when one is required, then the summary at 1.
     */
    private void logHandshake(TlsSummary tls) {
        int level = security.tlsLoglevel();
        ClientCertificate peer = tls.clientCertificate();
        if (peer != null && level >= 2) {
            log.info(peer.logLine(state.nameAndAddress()));
        }
        if (peer != null && !peer.trusted() && (level >= 2 || security.tls().requiresClientCertificate())) {
            log.info(peer.verificationFailedLine(state.nameAndAddress()));
        }
        if (level >= 1) {
            log.info(tls.connectionLine(state.nameAndAddress()));
        }
    }
}
