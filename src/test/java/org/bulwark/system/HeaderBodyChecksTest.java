package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** header_checks(5), mime_header_checks and body_checks through a running server, with swaks as the client. */
class HeaderBodyChecksTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @BeforeEach
    void start() throws Exception {
        system = new MailSystemFixture(root);
        Files.writeString(system.conf.resolve("header_checks"), """
                /^Subject:.*viagra/   REJECT no pills here
                /^Subject: hold me/   HOLD held for review
                /^Subject: drop me/   DISCARD dropped by subject
                /^Subject: tag me/    PREPEND X-Tagged: yes
                /^Subject: for bob/   REDIRECT bob@example.test
                /^Subject: copy bob/  BCC bob@example.test
                """);
        Files.writeString(system.conf.resolve("mime_header_checks"), """
                /^Content-(Disposition|Type).*name\\s*=\\s*"?.*\\.(exe|bat)"?/ REJECT executable attachments are not accepted
                """);
        Files.writeString(system.conf.resolve("body_checks"), """
                /^this line is banned/  REJECT 5.7.0 banned body line
                """);
        system.set("header_checks", "regexp:" + system.conf.resolve("header_checks"))
                .set("mime_header_checks", "pcre:" + system.conf.resolve("mime_header_checks"))
                .set("body_checks", "regexp:" + system.conf.resolve("body_checks"))
                .start();
    }

    @AfterEach
    void stop() {
        system.close();
    }

    private MailSystemFixture.ProcessResult swaks(String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Tools.swaks(), "--server", "127.0.0.1:" + system.port(),
                "--helo", "client.example.org", "--from", "sender@example.org", "--to", "alice@example.test"));
        command.addAll(List.of(extra));
        return MailSystemFixture.run(command, null);
    }

    private static String queueId(String swaksOutput) {
        var m = java.util.regex.Pattern.compile("queued as ([0-9A-F]+)").matcher(swaksOutput);
        assertThat(m.find()).as(swaksOutput).isTrue();
        return m.group(1);
    }

    /** A plain message delivered after the one under test proves the queue manager ran past it. */
    private void deliverAnother() throws Exception {
        var ok = swaks("--header", "Subject: harmless", "--body", "fine");
        assertThat(ok.exitCode()).as(ok.output()).isZero();
    }

    @Test
    void rejectBySubjectAnswers550AfterDataLogsAsPostfixAndDeliversNothing() throws Exception {
        var result = swaks("--header", "Subject: cheap viagra", "--body", "buy");

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("<** 550 5.7.1 no pills here");
        assertThat(system.awaitLog("reject: header")).containsPattern(
                "/cleanup\\[\\d+\\]: [0-9A-F]+: reject: header Subject: cheap viagra from \\S+\\[127\\.0\\.0\\.1\\];"
                        + " from=<sender@example\\.org> to=<alice@example\\.test> proto=ESMTP"
                        + " helo=<client\\.example\\.org>: 5\\.7\\.1 no pills here\n");
        deliverAnother();
        system.awaitDelivered("alice", 1);
        assertThat(Files.readString(system.delivered("alice").get(0))).contains("Subject: harmless");
    }

    @Test
    void holdKeepsTheMessageInTheHoldQueueWhereMailqShowsIt() throws Exception {
        var result = swaks("--header", "Subject: hold me", "--body", "wait");

        assertThat(result.exitCode()).as(result.output()).isZero();
        String id = queueId(result.output());
        assertThat(system.var.resolve("spool/hold").resolve(id)).exists();
        assertThat(system.maillog()).contains(id + ": hold: header Subject: hold me from ")
                .contains("helo=<client.example.org>: held for review");
        var mailq = MailSystemFixture.run(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "org.bulwark.cli.Bulwark", "-c", system.conf.toString(),
                "mailq"), null);
        assertThat(mailq.output()).containsPattern(id + "!\\s").contains("alice@example.test");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void discardAnswers250AndDeliversNothing() throws Exception {
        var result = swaks("--header", "Subject: drop me", "--body", "gone");

        assertThat(result.exitCode()).as(result.output()).isZero();
        String id = queueId(result.output());
        assertThat(system.maillog()).contains(id + ": discard: header Subject: drop me from ")
                .contains(": dropped by subject");
        deliverAnother();
        system.awaitDelivered("alice", 1);
        assertThat(Files.readString(system.delivered("alice").get(0))).doesNotContain("drop me");
    }

    @Test
    void prependAddsAHeaderToTheDeliveredMessage() throws Exception {
        var result = swaks("--header", "Subject: tag me", "--body", "tagged");

        assertThat(result.exitCode()).as(result.output()).isZero();
        String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(delivered).contains("X-Tagged: yes\nSubject: tag me\n");
    }

    @Test
    void anExecutableAttachmentIsRefusedByItsFileName() throws Exception {
        var result = swaks("--data", """
                From: sender@example.org
                To: alice@example.test
                Subject: the invoice
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="SEP"

                --SEP
                Content-Type: text/plain

                see attached
                --SEP
                Content-Type: application/octet-stream; name="invoice.exe"
                Content-Transfer-Encoding: base64

                TVqQAAMAAAAEAAAA
                --SEP--
                """);

        assertThat(result.output()).contains("<** 550 5.7.1 executable attachments are not accepted");
        assertThat(system.awaitLog("reject: header Content-Type")).contains(
                "reject: header Content-Type: application/octet-stream; name=\"invoice.exe\" from ");
    }

    @Test
    void bodyChecksRefuseABannedLine() throws Exception {
        var result = swaks("--header", "Subject: body", "--body", "hello\nthis line is banned\nbye");

        assertThat(result.output()).contains("<** 550 5.7.0 banned body line");
        assertThat(system.awaitLog("reject: body")).contains(
                "reject: body this line is banned from ");
    }

    @Test
    void redirectAndBccChangeWhoGetsTheMessage() throws Exception {
        assertThat(swaks("--header", "Subject: for bob", "--body", "moved").exitCode()).isZero();
        assertThat(swaks("--header", "Subject: copy bob", "--body", "copied").exitCode()).isZero();

        List<Path> bob = system.awaitDelivered("bob", 2);
        List<Path> alice = system.awaitDelivered("alice", 1);
        assertThat(Files.readString(alice.get(0))).contains("Subject: copy bob");
        assertThat(Files.readString(bob.get(0)) + Files.readString(bob.get(1)))
                .contains("Subject: for bob").contains("Subject: copy bob");
        assertThat(system.maillog()).contains(": redirect: header Subject: for bob from ")
                .contains(": bcc: header Subject: copy bob from ");
    }

    @Test
    void pflogsummCountsTheRejectHoldAndDiscardLines() throws Exception {
        Path pflogsumm = Path.of("/usr/sbin/pflogsumm");
        assertThat(pflogsumm).as("pflogsumm is needed: apt-get install pflogsumm").isExecutable();
        swaks("--header", "Subject: cheap viagra", "--body", "x");
        swaks("--header", "Subject: hold me", "--body", "x");
        swaks("--header", "Subject: drop me", "--body", "x");
        system.awaitLog(": discard: header");

        var result = MailSystemFixture.run(List.of(pflogsumm.toString(), "--syslog-name=bulwark",
                system.var.resolve("log/maillog").toString()), null);

        assertThat(result.exitCode()).as(result.output()).isZero();
        // The rejects under "cleanup", as pflogsumm files Postfix's header_checks rejects.
        assertThat(result.output()).containsPattern("\\s1   held").containsPattern("\\s1   discarded")
                .containsPattern("  cleanup\n    header \\(total: 1\\)\n\\s+1   Subject: cheap viagra\n");
    }
}
