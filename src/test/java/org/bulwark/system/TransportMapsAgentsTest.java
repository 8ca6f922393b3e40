package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * discard(8), error(8), retry and pipe(8) chosen by transport_maps, with Postfix's log lines: discard
 * reports the nexthop (by default the recipient's domain) as sent, error bounces and retry defers
 * with the nexthop as the reason, led by its RFC 3463 code.
 */
class TransportMapsAgentsTest {

    @TempDir
    Path dir;

    private MailSystemFixture mail;

    @BeforeEach
    void start() throws Exception {
        mail = new MailSystemFixture(dir);
        Files.writeString(mail.conf.resolve("transport"), """
                discarded.test   discard:
                trap.test        discard:spam trap
                gone.test        error:5.1.1 no such user here
                later.test       retry:4.3.2 try again later
                piped.test       mypipe:
                """);
        // The pipe command runs as nobody when the tests run as root: it must reach and write its directory.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        for (Path p = dir.toAbsolutePath(); p.startsWith(tmp) && !p.equals(tmp); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path out = Files.createDirectories(dir.resolve("piped"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path command = dir.resolve("command");
        Files.writeString(command, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + out + "/args\ncat > " + out + "/stdin\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwxr-xr-x"));
        mail.set("transport_maps", "texthash:" + mail.conf.resolve("transport"))
                .service("discard   unix  -       -       n       -       -       discard")
                .service("error     unix  -       -       n       -       -       error")
                .service("retry     unix  -       -       n       -       -       error")
                .service("mypipe    unix  -       n       n       -       -       pipe\n"
                        + "  flags=R user=nobody argv=" + command + " -f ${sender} -- ${recipient}");
        mail.start();
    }

    @AfterEach
    void stop() {
        mail.close();
    }

    private void send(String to) throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<" + to + ">")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("From: <alice@example.test>\r\nSubject: agents\r\n\r\nHello.\r\n.")).startsWith("250");
            c.command("QUIT");
        }
    }

    @Test
    void discardReportsTheDomainAsSentAndDeliversNothing() throws Exception {
        send("someone@discarded.test");
        send("someone@trap.test");

        String log = mail.awaitLog("to=<someone@trap.test>");
        assertThat(log).containsPattern("postfix/discard\\[\\d+\\]: [0-9A-F]+: to=<someone@discarded\\.test>, relay=none, "
                + "delay=[0-9.]+, delays=[0-9./]+, dsn=2\\.0\\.0, status=sent \\(discarded\\.test\\)");
        assertThat(log).contains("to=<someone@trap.test>, relay=none").contains("status=sent (spam trap)");
        assertThat(mail.awaitLog("removed")).doesNotContain("status=bounced").doesNotContain("status=deferred");
    }

    @Test
    void errorBouncesWithTheNexthopAsTheReason() throws Exception {
        send("someone@gone.test");

        assertThat(mail.awaitLog("to=<someone@gone.test>")).containsPattern("postfix/error\\[\\d+\\]: [0-9A-F]+: "
                + "to=<someone@gone\\.test>, relay=none, delay=[0-9.]+, delays=[0-9./]+, dsn=5\\.1\\.1, "
                + "status=bounced \\(no such user here\\)");
        String bounce = Files.readString(mail.awaitDelivered("alice", 1).get(0));
        assertThat(bounce).contains("Final-Recipient: rfc822; someone@gone.test").contains("Status: 5.1.1")
                .contains("no such user here");
    }

    @Test
    void retryDefersWithTheNexthopAsTheReason() throws Exception {
        send("someone@later.test");

        assertThat(mail.awaitLog("to=<someone@later.test>")).containsPattern("postfix/retry\\[\\d+\\]: [0-9A-F]+: "
                + "to=<someone@later\\.test>, relay=none, delay=[0-9.]+, delays=[0-9./]+, dsn=4\\.3\\.2, "
                + "status=deferred \\(try again later\\)");
        assertThat(mail.delivered("alice")).isEmpty();
    }

    @Test
    void pipeRunsTheServicesCommandWithTheEnvelopeAsArguments() throws Exception {
        send("someone@piped.test");

        assertThat(mail.awaitLog("to=<someone@piped.test>")).containsPattern("postfix/mypipe\\[\\d+\\]: [0-9A-F]+: "
                + "to=<someone@piped\\.test>, relay=mypipe, delay=[0-9.]+, delays=[0-9./]+, dsn=2\\.0\\.0, "
                + "status=sent \\(delivered via mypipe service\\)");
        assertThat(Files.readAllLines(dir.resolve("piped/args")))
                .containsExactly("-f", "alice@example.test", "--", "someone@piped.test");
        assertThat(Files.readString(dir.resolve("piped/stdin"))).startsWith("Return-Path: <alice@example.test>\n")
                .contains("Subject: agents");
    }
}
