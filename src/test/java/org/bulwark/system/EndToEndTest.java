package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole mail system, in process: real SMTP clients in, Maildirs out, Postfix's log lines. */
class EndToEndTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void swaksMessageIsQueuedAndDeliveredToAMaildirPythonCanRead() throws Exception {
        system = new MailSystemFixture(root).start();

        var swaks = MailSystemFixture.run(List.of(Tools.swaks(), "--server", "127.0.0.1:" + system.port(),
                "--from", "sender@example.org", "--to", "alice@example.test",
                "--header", "Subject: hello from swaks", "--body", "First line.\n.leading dot\nLast line."), null);

        assertThat(swaks.exitCode()).as(swaks.output()).isZero();
        assertThat(swaks.output()).containsPattern("<-  250 2\\.0\\.0 Ok: queued as [0-9A-F]{10,}");
        system.awaitDelivered("alice", 1);

        var python = MailSystemFixture.run(List.of(Tools.python3(), "-c", """
                import mailbox, sys
                box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
                for message in box:
                    print("Subject:", message["Subject"])
                    print("Return-Path:", message["Return-Path"])
                    print("Delivered-To:", message["Delivered-To"])
                    print("Received:", " ".join(message["Received"].split()))
                    print(message.get_payload())
                """, system.maildir("alice").toString()), null);
        assertThat(python.exitCode()).as(python.output()).isZero();
        assertThat(python.output())
                .contains("Subject: hello from swaks")
                .contains("Return-Path: <sender@example.org>")
                .contains("Delivered-To: alice@example.test")
                .containsPattern("Received: from \\S+ \\(localhost \\[127\\.0\\.0\\.1\\]\\) by mail\\.example\\.test \\(Bulwark\\) with E?SMTP id [0-9A-F]+ for <alice@example\\.test>;")
                .contains(".leading dot");
    }

    @Test
    void maillogHasPostfixLinesForADelivery() throws Exception {
        system = new MailSystemFixture(root).start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            assertThat(smtp.reply()).startsWith("220 mail.example.test ESMTP");
            assertThat(smtp.command("EHLO client.example")).startsWith("250-mail.example.test");
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            assertThat(smtp.command("Subject: log check\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(smtp.command("QUIT")).startsWith("221 2.0.0");
        }
        system.awaitDelivered("bob", 1);
        system.awaitLog(": removed");
        String log = system.awaitLog("disconnect from");
        assertThat(log)
                .containsPattern("postfix/smtpd\\[\\d+\\]: connect from localhost\\[127\\.0\\.0\\.1\\]")
                .containsPattern("postfix/smtpd\\[\\d+\\]: [0-9A-F]+: client=localhost\\[127\\.0\\.0\\.1\\]")
                .containsPattern("postfix/cleanup\\[\\d+\\]: [0-9A-F]+: message-id=<")
                .containsPattern("postfix/qmgr\\[\\d+\\]: [0-9A-F]+: from=<sender@example\\.org>, size=\\d+, nrcpt=1 \\(queue active\\)")
                .containsPattern("postfix/virtual\\[\\d+\\]: [0-9A-F]+: to=<bob@example\\.test>, relay=virtual, delay=[\\d.]+, "
                        + "delays=[\\d.]+/[\\d.]+/[\\d.]+/[\\d.]+, dsn=2\\.0\\.0, status=sent \\(delivered to maildir\\)")
                .containsPattern("postfix/qmgr\\[\\d+\\]: [0-9A-F]+: removed")
                .containsPattern("postfix/smtpd\\[\\d+\\]: disconnect from localhost\\[127\\.0\\.0\\.1\\] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5");
    }

    @Test
    void relayIsRefusedToAClientOutsideMynetworks() throws Exception {
        system = new MailSystemFixture(root).start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO test.com");
            assertThat(smtp.command("MAIL FROM:<spammer@test.com>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<victim@other.example>"))
                    .isEqualTo("554 5.7.1 <victim@other.example>: Relay access denied");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("250 2.1.5 Ok");
        }
        assertThat(system.awaitLog("NOQUEUE: reject:")).containsPattern(
                "NOQUEUE: reject: RCPT from unknown\\[127\\.0\\.0\\.2\\]: 554 5\\.7\\.1 <victim@other\\.example>: "
                        + "Relay access denied; from=<spammer@test\\.com> to=<victim@other\\.example> proto=ESMTP helo=<test\\.com>");
    }

    @Test
    void defaultRelayRestrictionsDeferWithRelayAccessDenied() throws Exception {
        system = new MailSystemFixture(root).set("smtpd_relay_restrictions", null).start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO test.com");
            smtp.command("MAIL FROM:<spammer@test.com>");
            assertThat(smtp.command("RCPT TO:<victim@other.example>"))
                    .isEqualTo("454 4.7.1 <victim@other.example>: Relay access denied");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<victim%other.example@example.test>",
        "<other.example!victim@example.test>",
        "<@example.test:victim@other.example>",
        "<\"victim@other.example\"@example.test>",
        "<victim%other.example@localhost>",
        "<other.example!victim@localhost>",
        "<\"victim@other.example\"@localhost>",
        "<victim@other.example.>",
        "<victim@[192.0.2.1]>",
        "<VICTIM@OTHER.EXAMPLE>",
        "<victim@Other.Example>",
        "<\"victim%other.example\"@example.test>",
        "<victim%other.example%example.test@example.test>",
        "<@localhost,@example.test:victim@other.example>",
        "<victim@other.example@example.test>",
        "<victim@[IPv6:2001:db8::1]>",
        "<victim@xn--e1afmkfd.example>",
        "<victim@ехample.test>",
        "victim@other.example",
    })
    void relayTricksAreRefusedFromOutsideMynetworks(String path) throws Exception {
        system = new MailSystemFixture(root).start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO test.com");
            smtp.command("MAIL FROM:<spammer@test.com>");
            assertThat(smtp.command("RCPT TO:" + path)).matches("(5\\d\\d|4\\d\\d) .*");
        }
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void unknownVirtualUserIsRejected() throws Exception {
        system = new MailSystemFixture(root).start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO test.com");
            smtp.command("MAIL FROM:<someone@test.com>");
            assertThat(smtp.command("RCPT TO:<nobody@example.test>")).isEqualTo(
                    "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table");
        }
    }

    @Test
    void aMessageOverHopcountLimitIsRefusedAsAMailLoopAndOneAtTheLimitIsAccepted() throws Exception {
        system = new MailSystemFixture(root).start();
        String hops50 = "Received: from relay.example by relay.example; Mon, 1 Jan 2024 00:00:00 +0000\n".repeat(50);

        assertThat(SmtpDialogue.send(system.port(), "127.0.0.1", "relay.example", "sender@example.org",
                "alice@example.test", hops50 + "Subject: at the limit\n\nbody\n")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(SmtpDialogue.send(system.port(), "127.0.0.1", "relay.example", "sender@example.org",
                "alice@example.test", hops50 + "Received: from loop.example by relay.example; Mon, 1 Jan 2024 00:00:01 +0000\n"
                        + "Subject: looping\n\nbody\n")).isEqualTo("554 5.4.0 Error: too many hops");

        assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0))).contains("Subject: at the limit");
        assertThat(system.awaitLog("reject: too many hops: 51 Received headers, hopcount_limit = 50"))
                .containsPattern(": reject: END-OF-MESSAGE from localhost\\[127\\.0\\.0\\.1\\]: 554 5\\.4\\.0 Error: too many hops;");
        try (var files = Files.list(system.maildir("alice").resolve("new"))) {
            assertThat(files.count()).isEqualTo(1);
        }
    }

    @Test
    void sendmailQueuesWhileTheServerIsDownAndItIsDeliveredAfterStart() throws Exception {
        system = new MailSystemFixture(root);
        system.writeConfig();
        var in = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("Subject: from sendmail\n\nhello\n".getBytes()));
            int exit = org.bulwark.cli.Bulwark.commandLine().execute("sendmail", "-c", system.conf.toString(),
                    "-f", "root@example.test", "alice@example.test");
            assertThat(exit).isZero();
        } finally {
            System.setIn(in);
        }
        assertThat(system.delivered("alice")).isEmpty();
        system.start();
        Path message = system.awaitDelivered("alice", 1).get(0);
        assertThat(Files.readString(message)).contains("Subject: from sendmail").contains("hello");
    }
}
