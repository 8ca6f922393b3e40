package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bulwark.testing.DovecotLmtp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guides' Postfix + Dovecot setup: {@code virtual_transport = lmtp:unix:private/dovecot-lmtp},
 * with a real Dovecot LMTP server listening in the queue directory. One message to three
 * recipients: one Dovecot stores, one it does not know (a bounce back to the sender, itself
 * delivered by Dovecot), one it cannot store now (deferred, still queued). Local users
 * ({@code mydestination}) reach Dovecot through local(8)'s {@code mailbox_transport}.
 */
class LmtpDeliveryTest {

    @TempDir
    Path dir;

    private MailSystemFixture mail;
    private DovecotLmtp dovecot;

    @BeforeEach
    void start() throws Exception {
        mail = new MailSystemFixture(dir.resolve("mail"));
        // Bulwark knows all four (so smtpd accepts them); Dovecot knows only alice and bob.
        Files.writeString(mail.conf.resolve("vmailbox"), """
                alice@example.test    example.test/alice/
                bob@example.test      example.test/bob/
                nobody@example.test   example.test/nobody/
                broken@example.test   example.test/broken/
                """);
        dovecot = DovecotLmtp.start(dir.resolve("dovecot"), mail.var.resolve("spool/private/dovecot-lmtp"), 0,
                List.of("alice@example.test", "bob@example.test", "carol@localhost"), List.of("broken@example.test"));
        mail.set("virtual_transport", "lmtp:unix:private/dovecot-lmtp")
                .set("mailbox_transport", "lmtp:unix:private/dovecot-lmtp")
                .service("lmtp      unix  -       -       n       -       -       lmtp");
        mail.start();
    }

    @AfterEach
    void stop() throws Exception {
        mail.close();
        dovecot.close();
    }

    @Test
    void eachRecipientIsDeliveredBouncedOrDeferredAsDovecotAnswersIt() throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<bob@example.test>")).startsWith("250");
            for (String to : List.of("alice@example.test", "nobody@example.test", "broken@example.test")) {
                assertThat(c.command("RCPT TO:<" + to + ">")).startsWith("250");
            }
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("From: <bob@example.test>\r\nSubject: to dovecot\r\n\r\nHello Dovecot.\r\n."))
                    .startsWith("250");
            c.command("QUIT");
        }

        List<Path> alice = await("alice@example.test", 1);
        assertThat(Files.readString(alice.get(0))).contains("Subject: to dovecot").contains("Hello Dovecot.");
        String log = mail.awaitLog("to=<broken@example.test>");
        assertThat(log).containsPattern("postfix/lmtp\\[\\d+\\]: [0-9A-F]+: to=<alice@example.test>, "
                + "relay=mail\\.example\\.test\\[private/dovecot-lmtp\\], delay=[0-9.]+, delays=[0-9./]+, dsn=2\\.0\\.0, "
                + "status=sent \\(250 2\\.0\\.0 <alice@example\\.test> \\S+ Saved\\)");
        assertThat(log).contains("to=<nobody@example.test>, relay=mail.example.test[private/dovecot-lmtp]")
                .contains("dsn=5.1.1, status=bounced (host mail.example.test[private/dovecot-lmtp] said: 550 5.1.1 "
                        + "<nobody@example.test> User doesn't exist: nobody@example.test (in reply to RCPT TO command))");
        assertThat(log).containsPattern("to=<broken@example\\.test>, relay=mail\\.example\\.test\\[private/dovecot-lmtp\\], "
                + ".*dsn=4\\.2\\.0, status=deferred \\(host mail\\.example\\.test\\[private/dovecot-lmtp\\] said: 451 4\\.2\\.0 ");

        // The bounce goes back to bob, whose mail Dovecot stores too; it names only the bounced recipient.
        List<Path> bob = await("bob@example.test", 1);
        String bounce = Files.readString(bob.get(0));
        assertThat(bounce).contains("Final-Recipient: rfc822; nobody@example.test").contains("Status: 5.1.1")
                .doesNotContain("Final-Recipient: rfc822; broken@example.test");
        assertThat(dovecot.delivered("alice@example.test")).hasSize(1);
    }

    @Test
    void localRecipientsAreHandedToDovecotByMailboxTransport() throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<bob@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<carol@localhost>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: local\r\n\r\nFor a local user.\r\n.")).startsWith("250");
            c.command("QUIT");
        }

        assertThat(Files.readString(await("carol@localhost", 1).get(0))).contains("For a local user.");
        assertThat(mail.awaitLog("to=<carol@localhost>")).containsPattern("to=<carol@localhost>, "
                + "relay=mail\\.example\\.test\\[private/dovecot-lmtp\\], .*status=sent \\(250 2\\.0\\.0 <carol@localhost> ");
    }

    private List<Path> await(String user, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<Path> files = dovecot.delivered(user);
        while (files.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            files = dovecot.delivered(user);
        }
        assertThat(files).as("messages Dovecot stored for %s (maillog:%n%s%ndovecot:%n%s)", user, mail.maillog(),
                dovecot.log()).hasSize(count);
        return files;
    }
}
