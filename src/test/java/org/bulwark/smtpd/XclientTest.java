package org.bulwark.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bulwark.mail.ClientInfo;
import org.junit.jupiter.api.Test;

/** XCLIENT and XFORWARD: only for the authorized hosts, with Postfix's replies. */
class XclientTest {

    private static final Map<String, String> AUTHORIZED = Map.of(
            "smtpd_authorized_xclient_hosts", "127.0.0.1/32",
            "smtpd_authorized_xforward_hosts", "127.0.0.1/32");

    private static void queue(SmtpClient c, String recipient) throws Exception {
        assertThat(c.send("MAIL FROM:<a@example.net>")).startsWith("250");
        assertThat(c.send("RCPT TO:<" + recipient + ">")).startsWith("250");
        assertThat(c.send("DATA")).startsWith("354");
        assertThat(c.send("Subject: x\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 Ok: queued as");
    }

    @Test
    void aClientNotListedIsNeitherToldNorObeyed() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_authorized_xclient_hosts", "127.0.0.2/32",
                "smtpd_authorized_xforward_hosts", "127.0.0.2/32")); SmtpClient c = fx.client()) {
            c.reply();
            String ehlo = c.send("EHLO client.example.net");
            assertThat(ehlo).doesNotContain("XCLIENT").doesNotContain("XFORWARD");
            assertThat(c.send("XCLIENT ADDR=192.0.2.7")).isEqualTo("550 5.7.0 Error: insufficient authorization");
            assertThat(c.send("XFORWARD ADDR=192.0.2.7")).isEqualTo("550 5.7.0 Error: insufficient authorization");
            queue(c, "b@example.com");
            assertThat(fx.intake.committed.getFirst().envelope().client().address()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void ehloAnnouncesBothToAnAuthorizedClientInPostfixsPlace() throws Exception {
        try (ServerFixture fx = new ServerFixture(AUTHORIZED); SmtpClient c = fx.client()) {
            c.reply();
            assertThat(c.send("EHLO proxy.example.net")).contains(
                    "250-ETRN\n250-XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT\n"
                            + "250-XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT\n250-ENHANCEDSTATUSCODES");
        }
    }

    @Test
    void xclientMakesTheSessionTheNamedClientsAndGreetsAgain() throws Exception {
        try (ServerFixture fx = new ServerFixture(AUTHORIZED); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO proxy.example.net");
            assertThat(c.send("XCLIENT NAME=mail.example.com ADDR=192.0.2.7 PORT=4321 PROTO=ESMTP HELO=mail.example.com"))
                    .isEqualTo("220 mx.example.org ESMTP Bulwark");
            // The relay check now judges 192.0.2.7, outside mynetworks.
            assertThat(c.send("MAIL FROM:<a@example.net>")).startsWith("250");
            assertThat(c.send("RCPT TO:<b@example.com>")).isEqualTo("554 5.7.1 <b@example.com>: Relay access denied");
            c.send("RSET");
            queue(c, "b@example.org");
            ClientInfo client = fx.intake.committed.getFirst().envelope().client();
            assertThat(client.nameAndAddress()).isEqualTo("mail.example.com[192.0.2.7]");
            assertThat(client.helo()).isEqualTo("mail.example.com");
            assertThat(client.protocol()).isEqualTo("ESMTP");
            c.send("QUIT");
            assertThat(fx.logAfterSessions())
                    .contains("NOQUEUE: reject: RCPT from mail.example.com[192.0.2.7]: 554 5.7.1 <b@example.com>:"
                            + " Relay access denied")
                    .contains("disconnect from mail.example.com[192.0.2.7]");
        }
    }

    @Test
    void xclientForgetsTheHeloAndTheProtocolItWasNotGiven() throws Exception {
        try (ServerFixture fx = new ServerFixture(AUTHORIZED); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO proxy.example.net");
            assertThat(c.send("XCLIENT ADDR=IPv6:2001:db8::7 NAME=[UNAVAILABLE]"))
                    .isEqualTo("220 mx.example.org ESMTP Bulwark");
            queue(c, "b@example.org");
            ClientInfo client = fx.intake.committed.getFirst().envelope().client();
            assertThat(client.nameAndAddress()).isEqualTo("unknown[2001:db8::7]");
            assertThat(client.helo()).isNull();
            assertThat(client.protocol()).isEqualTo("SMTP");
        }
    }

    @Test
    void afterXclientHeloIsNeededAgainUnlessItWasGiven() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(AUTHORIZED);
        settings.put("smtpd_helo_required", "yes");
        try (ServerFixture fx = new ServerFixture(settings); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO proxy.example.net");
            assertThat(c.send("XCLIENT NAME=mail.example.com")).startsWith("220 ");
            assertThat(c.send("MAIL FROM:<a@example.net>")).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
            assertThat(c.send("XCLIENT HELO=mail.example.com")).startsWith("220 ");
            assertThat(c.send("MAIL FROM:<a@example.net>")).startsWith("250 ");
            c.send("RSET");
            // The named client is judged from now on, for XCLIENT too (Postfix): 192.0.2.7 is not authorized.
            assertThat(c.send("XCLIENT ADDR=192.0.2.7")).startsWith("220 ");
            assertThat(c.send("XCLIENT ADDR=127.0.0.1")).isEqualTo("550 5.7.0 Error: insufficient authorization");
        }
    }

    @Test
    void xforwardNamesTheNextTransactionsClientButTheRealOneIsJudged() throws Exception {
        try (ServerFixture fx = new ServerFixture(AUTHORIZED); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO filter.example.net");
            assertThat(c.send("XFORWARD NAME=spike.example.com ADDR=192.0.2.9 PORT=2525"))
                    .isEqualTo("250 2.0.0 Ok");
            assertThat(c.send("XFORWARD PROTO=ESMTP HELO=spike.example.com IDENT=4Xyz SOURCE=REMOTE"))
                    .isEqualTo("250 2.0.0 Ok");
            // 127.0.0.1 may relay; 192.0.2.9 could not.
            queue(c, "b@example.com");
            queue(c, "c@example.com");
            ClientInfo first = fx.intake.committed.get(0).envelope().client();
            assertThat(first.nameAndAddress()).isEqualTo("spike.example.com[192.0.2.9]");
            assertThat(first.helo()).isEqualTo("spike.example.com");
            assertThat(first.protocol()).isEqualTo("ESMTP");
            assertThat(first.connectedClient()).isEqualTo("unknown[127.0.0.1]");
            assertThat(first.originalQueueId()).isEqualTo("4Xyz");
            // Forgotten with its transaction.
            ClientInfo second = fx.intake.committed.get(1).envelope().client();
            assertThat(second.nameAndAddress()).isEqualTo("unknown[127.0.0.1]");
            assertThat(second.helo()).isEqualTo("filter.example.net");
            assertThat(second.connectedClient()).isNull();
            assertThat(second.originalQueueId()).isNull();
        }
    }

    @Test
    void xforwardWithoutTheClientsAddressLeavesItUnknown() throws Exception {
        try (ServerFixture fx = new ServerFixture(AUTHORIZED); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO filter.example.net");
            assertThat(c.send("XFORWARD HELO=spike.example.com")).isEqualTo("250 2.0.0 Ok");
            queue(c, "b@example.org");
            assertThat(fx.intake.committed.getFirst().envelope().client().nameAndAddress())
                    .isEqualTo("unknown[unknown]");
        }
    }

    @Test
    void refusesBadAttributesAndATransactionUnderWay() throws Exception {
        try (ServerFixture fx = new ServerFixture(AUTHORIZED); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO filter.example.net");
            assertThat(c.send("XFORWARD")).isEqualTo("501 5.5.4 Syntax: XFORWARD attribute=value...");
            assertThat(c.send("XCLIENT")).isEqualTo("501 5.5.4 Syntax: XCLIENT attribute=value...");
            assertThat(c.send("XFORWARD COLOR=blue")).isEqualTo("501 5.5.4 Bad XFORWARD attribute name: COLOR");
            assertThat(c.send("XCLIENT IDENT=x")).isEqualTo("501 5.5.4 Bad XCLIENT attribute name: IDENT");
            assertThat(c.send("XFORWARD ADDR")).isEqualTo("501 5.5.4 Error: attribute=value expected");
            assertThat(c.send("XCLIENT ADDR=mail.example.com")).isEqualTo("501 5.5.4 Bad ADDR syntax: mail.example.com");
            assertThat(c.send("XCLIENT PROTO=LMTP")).isEqualTo("501 5.5.4 Bad PROTO syntax: LMTP");
            assertThat(c.send("XFORWARD SOURCE=SOMEWHERE")).isEqualTo("501 5.5.4 Bad SOURCE syntax: SOMEWHERE");
            assertThat(c.send("XFORWARD NAME=bad_name!")).isEqualTo("501 5.5.4 Bad NAME syntax: bad_name!");
            assertThat(c.send("MAIL FROM:<a@example.net>")).startsWith("250");
            assertThat(c.send("XCLIENT ADDR=192.0.2.7")).isEqualTo("503 5.5.1 Error: MAIL transaction in progress");
            assertThat(c.send("XFORWARD ADDR=192.0.2.7")).isEqualTo("503 5.5.1 Error: MAIL transaction in progress");
        }
    }
}
