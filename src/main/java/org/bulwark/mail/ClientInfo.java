package org.bulwark.mail;

/**
 * Who handed us a message: the client's verified host name ({@code unknown} when it has none), its
 * address, the HELO/EHLO argument, the protocol name for the Received header and log
 * ({@code SMTP}, {@code ESMTP}, {@code ESMTPA}, {@code ESMTPS}, {@code ESMTPSA}) and the SASL user
 * name or {@code null}.
 */
public record ClientInfo(String name, String address, String helo, String protocol, String saslUsername) {

    /** A message submitted on this host by the sendmail command. */
    public static ClientInfo local(String user) {
        return new ClientInfo("localhost", "127.0.0.1", null, "local", user);
    }

    public boolean isLocalSubmission() {
        return "local".equals(protocol);
    }

    /** {@code name[address]}, as Postfix writes a client in log lines. */
    public String nameAndAddress() {
        return name + "[" + address + "]";
    }
}
