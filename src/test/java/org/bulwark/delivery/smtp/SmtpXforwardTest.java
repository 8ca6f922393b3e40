package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bulwark.delivery.TestMessage;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** smtp_send_xforward_command: the original client goes to a server that announces XFORWARD, before MAIL FROM. */
class SmtpXforwardTest {

    private static final String ALL = "XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT";

    private DeliveryTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
    }

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    private static TestMessage fromRemoteClient() {
        ClientInfo client = new ClientInfo("mail.example.com", "192.0.2.9", "helo name", "ESMTPS", null);
        return new TestMessage(Envelope.of(MailAddress.of("alice@example.com"),
                List.of(Recipient.of(MailAddress.of("bob@filter.test"))), client),
                "Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8));
    }

    private List<String> commandsSent(FakeSmtpServer remote, TestMessage message, String... settings)
            throws Exception {
        var report = bed.agent(remote.port(), settings).deliver(message.request("[127.0.0.1]"));
        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        return remote.commands();
    }

    @Test
    void sendsTheOriginalClientBeforeMailFromWhenAskedAndAnnounced() throws Exception {
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options().extensions(ALL));
        List<String> commands = commandsSent(remote, fromRemoteClient(), "smtp_send_xforward_command", "yes");

        // The fake server does not know XFORWARD (502): the mail goes on, as with Postfix.
        assertThat(commands).containsSubsequence("XFORWARD NAME=mail.example.com ADDR=192.0.2.9",
                "XFORWARD PROTO=ESMTPS HELO=helo+20name IDENT=ABCDEF1234 SOURCE=REMOTE", "MAIL FROM:<alice@example.com>");
    }

    @Test
    void sendsOnlyTheAttributesTheServerNamed() throws Exception {
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options().extensions("XFORWARD ADDR"));
        List<String> commands = commandsSent(remote, fromRemoteClient(), "smtp_send_xforward_command", "yes");

        assertThat(commands).filteredOn(c -> c.startsWith("XFORWARD")).containsExactly("XFORWARD ADDR=192.0.2.9");
    }

    @Test
    void aLocalSubmissionIsLocalAndAnUnknownNameIsNotSent() throws Exception {
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options().extensions(ALL));
        TestMessage local = TestMessage.of("root@example.test", "Subject: x\n\nbody\n", "bob@filter.test");
        List<String> commands = commandsSent(remote, local, "smtp_send_xforward_command", "yes");

        assertThat(commands).filteredOn(c -> c.startsWith("XFORWARD")).containsExactly(
                "XFORWARD NAME=localhost ADDR=127.0.0.1", "XFORWARD PROTO=local IDENT=ABCDEF1234 SOURCE=LOCAL");
    }

    @Test
    void sendsNothingByDefaultOrWhenNotAnnounced() throws Exception {
        FakeSmtpServer announcing = bed.remote(FakeSmtpServer.options().extensions(ALL));
        assertThat(commandsSent(announcing, fromRemoteClient())).noneMatch(c -> c.startsWith("XFORWARD"));
        FakeSmtpServer silent = bed.remote(FakeSmtpServer.options());
        assertThat(commandsSent(silent, fromRemoteClient(), "smtp_send_xforward_command", "yes"))
                .noneMatch(c -> c.startsWith("XFORWARD"));
    }
}
