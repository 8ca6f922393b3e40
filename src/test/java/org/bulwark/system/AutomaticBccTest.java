package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * always_bcc, sender_bcc_maps and recipient_bcc_maps through a running server: swaks and Python's
 * smtplib over SMTP, the sendmail command through pickup; each copy lands in its own Maildir.
 */
class AutomaticBccTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @BeforeEach
    void configure() throws Exception {
        system = new MailSystemFixture(root);
        Files.writeString(system.conf.resolve("vmailbox"), """
                alice@example.test     example.test/alice/
                bob@example.test       example.test/bob/
                archive@example.test   example.test/archive/
                sent@example.test      example.test/sent/
                watch@example.test     example.test/watch/
                """);
        Files.writeString(system.conf.resolve("sender_bcc"), """
                boss@example.org       sent@example.test
                """);
        Files.writeString(system.conf.resolve("recipient_bcc"), """
                @example.test          watch@example.test
                alice@example.test     <archive@example.test>
                """);
    }

    @AfterEach
    void stop() {
        system.close();
    }

    private MailSystemFixture.ProcessResult swaks(String from, String to, String subject) throws Exception {
        List<String> command = new ArrayList<>(List.of(Tools.swaks(), "--server", "127.0.0.1:" + system.port(),
                "--helo", "client.example.org", "--from", from, "--to", to, "--header", "Subject: " + subject,
                "--body", "text of " + subject));
        var result = MailSystemFixture.run(command, null);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result;
    }

    private static String queueId(String output) {
        Matcher m = Pattern.compile("queued as ([0-9A-F]+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return m.group(1);
    }

    @Test
    void alwaysBccGetsACopyOfEveryMessageAndTheRecipientStillGetsIt() throws Exception {
        system.set("always_bcc", "archive@example.test").start();

        String first = queueId(swaks("someone@example.org", "alice@example.test", "first").output());
        String second = queueId(swaks("other@example.org", "bob@example.test", "second").output());

        system.awaitDelivered("alice", 1);
        system.awaitDelivered("bob", 1);
        List<Path> archived = system.awaitDelivered("archive", 2);
        String copies = Files.readString(archived.get(0)) + Files.readString(archived.get(1));
        assertThat(copies).contains("Subject: first").contains("Subject: second")
                .contains("Delivered-To: archive@example.test\n");
        assertThat(copies.replace("Delivered-To: archive@example.test\n", ""))
                .as("an envelope-only copy: the headers are the recipient's, only delivery names the copy")
                .doesNotContain("archive@")
                .contains("for <alice@example.test>;").contains("for <bob@example.test>;");
        system.awaitLog(first + ": removed");
        String log = system.awaitLog(second + ": removed");
        assertThat(log).containsPattern(first + ": from=<someone@example.org>, size=\\d+, nrcpt=2 \\(queue active\\)")
                .contains(first + ": to=<archive@example.test>, relay=virtual");
    }

    @Test
    void senderBccMapsCopiesMailFromTheListedSender() throws Exception {
        system.set("sender_bcc_maps", "texthash:" + system.conf.resolve("sender_bcc")).start();
        String script = """
                import smtplib, sys
                with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
                    s.ehlo("client.example.org")
                    s.sendmail("boss@example.org", ["bob@example.test"], "Subject: from the boss\\r\\n\\r\\nhello\\r\\n")
                    s.sendmail("clerk@example.org", ["bob@example.test"], "Subject: from a clerk\\r\\n\\r\\nhello\\r\\n")
                """;
        Files.writeString(root.resolve("send.py"), script);

        var result = MailSystemFixture.run(List.of(Tools.python3(), root.resolve("send.py").toString(),
                String.valueOf(system.port())), null);

        assertThat(result.exitCode()).as(result.output()).isZero();
        system.awaitDelivered("bob", 2);
        List<Path> sent = system.awaitDelivered("sent", 1);
        assertThat(Files.readString(sent.get(0))).contains("Subject: from the boss");
    }

    @Test
    void recipientBccMapsCopiesEachRecipientByAddressThenDomain() throws Exception {
        system.set("recipient_bcc_maps", "texthash:" + system.conf.resolve("recipient_bcc")).start();

        swaks("someone@example.org", "alice@example.test,bob@example.test", "to both");

        system.awaitDelivered("alice", 1);
        system.awaitDelivered("bob", 1);
        assertThat(Files.readString(system.awaitDelivered("archive", 1).get(0))).contains("Subject: to both");
        assertThat(Files.readString(system.awaitDelivered("watch", 1).get(0)))
                .as("bob's copy, by @example.test; alice's address comes before her domain")
                .contains("Subject: to both");
    }

    @Test
    void mailFromSendmailGetsTheCopyButItsBounceDoesNot() throws Exception {
        system.set("always_bcc", "archive@example.test").start();

        var result = MailSystemFixture.run(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "org.bulwark.cli.Bulwark", "-c", system.conf.toString(),
                "sendmail", "-f", "alice@example.test", "nobody@example.test"),
                "Subject: to nobody\n\nwho is there?\n");

        assertThat(result.exitCode()).as(result.output()).isZero();
        List<Path> archived = system.awaitDelivered("archive", 1);
        assertThat(Files.readString(archived.get(0))).contains("Subject: to nobody");
        List<Path> bounce = system.awaitDelivered("alice", 1);
        assertThat(Files.readString(bounce.get(0))).contains("Undelivered Mail Returned to Sender");
        String log = system.awaitLog("sender non-delivery notification: ");
        Matcher notice = Pattern.compile("sender non-delivery notification: ([0-9A-F]+)").matcher(log);
        assertThat(notice.find()).isTrue();
        system.awaitLog(notice.group(1) + ": removed");
        assertThat(system.maillog()).as("the bounce goes to alice alone")
                .containsPattern(notice.group(1) + ": from=<>, size=\\d+, nrcpt=1 \\(queue active\\)");
        assertThat(system.delivered("archive")).hasSize(1);
    }

    @Test
    void aCopyThatCannotBeDeliveredSendsTheSenderNoNotice() throws Exception {
        system.set("always_bcc", "lost@example.test").start();

        String id = queueId(swaks("alice@example.test", "bob@example.test", "lost copy").output());

        system.awaitDelivered("bob", 1);
        String log = system.awaitLog(id + ": removed");
        assertThat(log).contains(id + ": to=<lost@example.test>, relay=virtual").contains("status=bounced")
                .doesNotContain(id + ": sender non-delivery notification");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void noAddressMappingsOnTheServiceTurnsTheCopiesOff() throws Exception {
        system.set("always_bcc", "archive@example.test")
                .set("receive_override_options", "no_address_mappings").start();

        String id = queueId(swaks("someone@example.org", "alice@example.test", "unarchived").output());

        system.awaitDelivered("alice", 1);
        assertThat(system.awaitLog(id + ": removed"))
                .containsPattern(id + ": from=<someone@example.org>, size=\\d+, nrcpt=1 \\(queue active\\)")
                .doesNotContain("archive@example.test");
        assertThat(system.delivered("archive")).isEmpty();
    }
}
