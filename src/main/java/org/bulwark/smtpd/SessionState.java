package org.bulwark.smtpd;

import java.net.InetAddress;
import org.bulwark.dns.ClientNames;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.MailAddress;
import org.bulwark.milter.MilterFacts;
import org.bulwark.protocol.MailParameters;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.tls.TlsSummary;

/**
 * What one session knows about its client and where the conversation stands: the client's
 * address and names, HELO, TLS, the SASL login, and the mail transaction under way. Verb handlers
 * read it and change it only through the methods named for what happened ({@link #heloReceived},
 * {@link #tlsStarted}, {@link #authenticated}, {@link #transactionStarted}, ...), so the rules
 * about what one event forgets (RFC 3207 §4.2, RFC 5321 §4.1.4) sit here, once.
 *
 * <p>The client's address comes from whoever accepted the connection; the PROXY protocol
 * pre-stage ({@link UpstreamProxy}) hands over the original client's address, before the
 * greeting.
 */
final class SessionState {

    private InetAddress clientAddress;
    private String clientIp;
    private String localIp;
    private String clientName = ClientNames.UNKNOWN;
    private ClientNames clientNames = ClientNames.NONE;
    private String helo;
    private String protocol = "SMTP";
    /** What TLS agreed on, or {@code null} while the session is in plaintext. */
    private TlsSummary tls;
    private String saslUsername;
    private String saslMethod;
    private boolean improperPipelining;
    private Transaction transaction;
    /** What XFORWARD said of the original client, for the next transaction only. */
    private Forwarded forwarded = Forwarded.NONE;
    /** Told when a transaction ends (the milters forget it). */
    private Runnable transactionEndListener = () -> { };
    /** The client's port and the one it reached: the connection's, or what a proxy or XCLIENT says. */
    private int clientPort;
    private int localPort;

    SessionState(InetAddress clientAddress, InetAddress localAddress) {
        this.clientAddress = clientAddress;
        this.clientIp = SmtpSession.printable(clientAddress);
        this.localIp = localAddress == null ? null : SmtpSession.printable(localAddress);
    }

    /** The ports of the connection (the milters' {client_port} and {daemon_port}). */
    SessionState ports(int client, int local) {
        clientPort = client;
        localPort = local;
        return this;
    }

    // What happened.

    /**
     * The PROXY protocol header named the real client and the address it reached; before the
     * connect stage, so everything after sees them.
     */
    void proxied(InetAddress client, int port, InetAddress server, int serverPort) {
        clientAddress = client;
        clientIp = SmtpSession.printable(client);
        localIp = server == null ? null : SmtpSession.printable(server);
        clientPort = port;
        localPort = serverPort;
    }

    /**
     * XCLIENT's PORT, DESTADDR and DESTPORT, each null when not given; "[UNAVAILABLE]" comes as
     * port 0 and address "unknown".
     */
    void xclientEndpoints(Integer port, String destination, Integer destinationPort) {
        if (port != null) {
            clientPort = port;
        }
        if (destination != null) {
            localIp = destination;
        }
        if (destinationPort != null) {
            localPort = destinationPort;
        }
    }

    /**
     * XCLIENT: an authorized proxy speaks for this client. As if it had connected (Postfix's
     * xclient_cmd): what is not given is forgotten — HELO, the protocol, the SASL login, the
     * transaction; TLS stays. A null address or names keeps the current ones.
     */
    void clientReplaced(InetAddress address, ClientNames names, boolean heloGiven, String heloName,
            String protocolName, String login) {
        transactionEnded();
        forwarded = Forwarded.NONE;
        if (address != null) {
            clientAddress = address;
            clientIp = SmtpSession.printable(address);
        }
        if (names != null) {
            namesFound(names);
        }
        helo = heloGiven ? heloName : null;
        protocol = protocolName == null ? "SMTP" : protocolName;
        saslUsername = login;
        saslMethod = login == null ? null : "XCLIENT";
    }

    /** XFORWARD: the original client of the next transaction, as a content filter or proxy names it. */
    void forwardedClient(Forwarded facts) {
        forwarded = facts;
    }

    /**
     * What XFORWARD said: {@code client} when any of NAME, ADDR, PORT, PROTO or HELO was given
     * (then the others not given are unknown, as in Postfix); IDENT is the original queue ID,
     * SOURCE is LOCAL or REMOTE.
     */
    record Forwarded(boolean client, String name, String address, String port, String protocol, String helo,
            String ident, String source) {

        static final Forwarded NONE = new Forwarded(false, ClientNames.UNKNOWN, ClientNames.UNKNOWN, null, null,
                null, null, null);
    }

    /** The client's names, as the reverse and forward lookups found them. */
    void namesFound(ClientNames names) {
        clientNames = names;
        clientName = names.name();
    }

    /**
     * HELO or EHLO with this name, before the restrictions have judged it. RFC 5321 §4.1.4: it
     * resets the state like RSET.
     */
    void heloReceived(String name) {
        transactionEnded();
        helo = name;
    }

    /** The restrictions refused the HELO name: the session is as if none was given. */
    void heloRefused() {
        helo = null;
    }

    /** The HELO name was accepted; EHLO makes the session ESMTP. */
    void heloAccepted(boolean extended) {
        protocol = extended ? "ESMTP" : "SMTP";
    }

    /**
     * TLS is up. RFC 3207 §4.2: everything learned before the handshake is forgotten — HELO, the
     * transaction, any SASL login.
     */
    void tlsStarted(TlsSummary summary) {
        tls = summary;
        transactionEnded();
        helo = null;
        protocol = "SMTP";
        saslUsername = null;
        saslMethod = null;
    }

    void authenticated(String username, String mechanism) {
        saslUsername = username;
        saslMethod = mechanism;
    }

    /** The client sent ahead of our reply; remembered for reject_unauth_pipelining. */
    void pipelinedImproperly() {
        improperPipelining = true;
    }

    /** MAIL FROM was taken; the transaction is under way (even while the MAIL restrictions judge it). */
    Transaction transactionStarted(MailAddress sender, MailAddress givenSender, MailParameters parameters) {
        transaction = new Transaction(sender, givenSender, parameters);
        return transaction;
    }

    /**
     * The transaction is over: the message was queued or discarded, or RSET, a refusal or a
     * failure ended it. A queue file not yet committed is thrown away.
     */
    void transactionEnded() {
        if (transaction != null) {
            transaction.abort();
            transaction = null;
            // Postfix forgets XFORWARD's attributes with the transaction they were for.
            forwarded = Forwarded.NONE;
            transactionEndListener.run();
        }
    }

    /** Who is told when a transaction ends. */
    void onTransactionEnd(Runnable listener) {
        transactionEndListener = listener;
    }

    // What is known.

    Forwarded forwarded() {
        return forwarded;
    }

    ClientNames clientNames() {
        return clientNames;
    }

    Transaction transaction() {
        return transaction;
    }

    boolean inTransaction() {
        return transaction != null;
    }

    InetAddress clientAddress() {
        return clientAddress;
    }

    String clientIp() {
        return clientIp;
    }

    String localIp() {
        return localIp;
    }

    /** {@code host[ip]}, as Postfix's log lines name the client. */
    String nameAndAddress() {
        return clientName + "[" + clientIp + "]";
    }

    String helo() {
        return helo;
    }

    /** {@code SMTP} or {@code ESMTP}, as the reject lines say. */
    String protocol() {
        return protocol;
    }

    boolean extended() {
        return protocol.equals("ESMTP");
    }

    boolean improperPipelining() {
        return improperPipelining;
    }

    TlsSummary tls() {
        return tls;
    }

    boolean encrypted() {
        return tls != null;
    }

    boolean authenticated() {
        return saslUsername != null;
    }

    /**
     * The protocol name for the Received header and queue file: ESMTP with S for TLS and A for
     * SASL (RFC 3848), as Postfix writes it.
     */
    String receivedProtocol() {
        if (!extended()) {
            return protocol;
        }
        return protocol + (tls != null ? "S" : "") + (saslUsername != null ? "A" : "");
    }

    /** The client as the milters' connect stage describes it. */
    MilterFacts.Client milterClient() {
        return new MilterFacts.Client(clientName, clientNames.reverseName() == null ? clientName
                : clientNames.reverseName(), clientIp, clientPort, localIp, localPort);
    }

    /** TLS as the milters' macros describe it, or null in plaintext; certificate names only when trusted. */
    MilterFacts.Tls milterTls() {
        if (tls == null) {
            return null;
        }
        var certificate = tls.clientCertificate();
        boolean trusted = certificate != null && certificate.trusted();
        return new MilterFacts.Tls(tls.protocol(), tls.cipher(), tls.bits(),
                trusted ? certificate.subjectCn() : null, trusted ? certificate.issuerCn() : null);
    }

    /** The SASL login as the milters' macros describe it, or null. */
    MilterFacts.Auth milterAuth() {
        return saslUsername == null ? null : new MilterFacts.Auth(saslMethod, saslUsername, null);
    }

    /** The client as the queue file and Received header describe it. */
    ClientInfo clientInfo(SecuritySettings security) {
        String tlsText = tls != null && security.tlsReceivedHeader() ? tls.describe() : null;
        String certificate = tls == null ? null : tls.receivedClientComment();
        if (forwarded.client()) {
            // XFORWARD: the Received header and queue file name the original client; the client= line both.
            return new ClientInfo(forwarded.name(), forwarded.address(), forwarded.helo(),
                    forwarded.protocol() == null ? receivedProtocol() : forwarded.protocol(), saslUsername, saslMethod,
                    tlsText, security.saslAuthenticatedHeader(), certificate, nameAndAddress(), forwarded.ident());
        }
        return new ClientInfo(clientName, clientIp, helo, receivedProtocol(), saslUsername, saslMethod, tlsText,
                security.saslAuthenticatedHeader(), certificate, null, forwarded.ident());
    }

    /** What the restrictions see now, with the size from MAIL FROM's SIZE= (0 outside a transaction). */
    SmtpdContext context(MailAddress sender, MailAddress recipient) {
        return context(sender, recipient, transaction == null ? 0 : transaction.parameters().size());
    }

    SmtpdContext context(MailAddress sender, MailAddress recipient, long size) {
        int count = transaction == null ? 0 : transaction.recipientCount();
        SmtpdContext context = new SmtpdContext(clientAddress, clientName, clientName, helo, sender, recipient,
                saslUsername, protocol, count, size, improperPipelining).withClientNames(clientNames).withTls(tls);
        return transaction == null ? context : context.withGivenAddresses(transaction.givenSender(), recipient);
    }
}
