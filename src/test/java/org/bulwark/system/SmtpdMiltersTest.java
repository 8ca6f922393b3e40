package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.stream.Stream;
import org.bulwark.dns.DnsResolver;
import org.bulwark.mailauth.DkimAlgorithm;
import org.bulwark.mailauth.DkimKeyGenerator;
import org.bulwark.mailauth.DkimKeyRecords;
import org.bulwark.mailauth.DkimResult;
import org.bulwark.mailauth.DkimVerifier;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.RawMilter;
import org.bulwark.testing.ScriptedMilter;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smtpd_milters through a running server: a real libmilter milter (python3-milter) doing what its
 * script says, an SMTP client on a real socket, delivery into Maildirs.
 */
class SmtpdMiltersTest {

    @TempDir
    Path root;

    private MailSystemFixture system;
    private ScriptedMilter milter;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
        if (milter != null) {
            milter.close();
        }
    }

    private void start(String script) throws Exception {
        milter = ScriptedMilter.start(root.resolve("milter"), script);
        system = new MailSystemFixture(root.resolve("system")).set("smtpd_milters", "unix:" + milter.socket()).start();
    }

    private static String message(String subject) {
        return "From: sender@remote.example\nTo: alice@example.test\nSubject: " + subject
                + "\nX-Drop: remove me\n\nthe original body\n";
    }

    private String send(String subject) throws Exception {
        return SmtpDialogue.send(system.port(), "127.0.0.2", "remote.example", "sender@remote.example",
                "alice@example.test", message(subject));
    }

    private static String queueId(String reply) {
        return reply.substring(reply.lastIndexOf(' ') + 1);
    }

    @Test
    void aRejectAtRcptRefusesThatRecipientOnly() throws Exception {
        start("{\"envrcpt\": {\"<bob@example.test>\": \"reject\"}}");
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            assertThat(smtp.reply()).startsWith("220 ");
            smtp.command("EHLO remote.example");
            assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo("550 5.7.1 Command rejected");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            assertThat(smtp.command(message("to alice").replace("\n", "\r\n") + ".")).startsWith("250 2.0.0 Ok: queued as ");
            smtp.command("QUIT");
        }
        system.awaitDelivered("alice", 1);
        assertThat(system.delivered("bob")).isEmpty();
        assertThat(system.maillog()).contains("NOQUEUE: milter-reject: RCPT from unknown[127.0.0.2]: 550 5.7.1 "
                + "Command rejected; from=<sender@remote.example> to=<bob@example.test> proto=ESMTP helo=<remote.example>")
                .doesNotContain("NOQUEUE: reject: RCPT");
    }

    @Test
    void aTempfailAtMailRefusesTheTransaction() throws Exception {
        start("{\"envfrom\": \"tempfail\"}");
        assertThat(send("x")).isEqualTo("451 4.7.1 Service unavailable - try again later");
        assertThat(system.maillog()).contains("NOQUEUE: milter-reject: MAIL from unknown[127.0.0.2]: 451 4.7.1 "
                + "Service unavailable - try again later; from=<sender@remote.example> proto=ESMTP helo=<remote.example>");
    }

    @Test
    void aCustomMultiLineReplyReachesTheClientWhole() throws Exception {
        start("{\"envfrom\": [\"reply\", \"554\", \"5.7.0\", \"first line\", \"second line\"]}");
        assertThat(send("x")).isEqualTo("554-5.7.0 first line\n554 5.7.0 second line");
    }

    @Test
    void aRejectAtEndOfMessageRefusesItAndKeepsNothing() throws Exception {
        start("{\"eom\": \"reject\"}");
        assertThat(send("x")).isEqualTo("550 5.7.1 Command rejected");
        String log = system.awaitLog("milter-reject: END-OF-MESSAGE from unknown[127.0.0.2]: 5.7.1 Command rejected; "
                + "from=<sender@remote.example> to=<alice@example.test> proto=ESMTP helo=<remote.example>");
        assertThat(log).doesNotContain("reject: END-OF-MESSAGE from unknown[127.0.0.2]: 550");
        assertThat(queued("active")).isEmpty();
    }

    @Test
    void discardAnswersQueuedAndDeliversNothing() throws Exception {
        start("{\"eom\": \"discard\"}");
        String reply = send("x");
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        system.awaitLog(queueId(reply) + ": milter-discard: END-OF-MESSAGE from unknown[127.0.0.2]: "
                + "milter triggers DISCARD action; from=<sender@remote.example> to=<alice@example.test>");
        assertThat(queued("active")).isEmpty();
        assertThat(queued("incoming")).isEmpty();
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void quarantinePutsTheMessageOnHoldWhereMailqShowsIt() throws Exception {
        start("{\"edits\": [[\"quarantine\", \"looks like spam\"]]}");
        String reply = send("x");
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        String id = queueId(reply);
        assertThat(system.var.resolve("spool/hold").resolve(id)).exists();
        assertThat(system.maillog()).contains(id + ": milter-hold: END-OF-MESSAGE from unknown[127.0.0.2]: "
                + "looks like spam; from=<sender@remote.example> to=<alice@example.test>");
        var mailq = MailSystemFixture.run(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "org.bulwark.cli.Bulwark", "-c", system.conf.toString(),
                "mailq"), null);
        assertThat(mailq.output()).containsPattern(id + "!\\s").contains("(looks like spam)")
                .contains("alice@example.test");
        var postcat = MailSystemFixture.run(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "org.bulwark.cli.Bulwark", "-c", system.conf.toString(),
                "postcat", "-q", id), null);
        assertThat(postcat.output()).contains("named_attribute: reason=looks like spam");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void headerAndBodyEditsAreInTheDeliveredMessage() throws Exception {
        start("""
                {"edits": [
                  ["addheader", "X-Added", "by the milter"],
                  ["insheader", 0, "X-First", "on top"],
                  ["chgheader", "Subject", 1, "changed subject"],
                  ["chgheader", "X-Drop", 1, ""],
                  ["replacebody", "the new body\\r\\n"]
                ]}""");
        assertThat(send("old subject")).startsWith("250 2.0.0 Ok: queued as ");
        String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0));
        String headers = delivered.substring(0, delivered.indexOf("\n\n"));
        assertThat(headers).contains("\nX-Added: by the milter").contains("\nSubject: changed subject")
                .doesNotContain("old subject").doesNotContain("X-Drop");
        // Inserted at the top of what the milter saw: right below our own Received: header.
        assertThat(headers).containsPattern("(?s)Received: from .*\nX-First: on top\nFrom: sender@remote.example");
        assertThat(delivered.substring(delivered.indexOf("\n\n") + 2)).isEqualTo("the new body\n");
    }

    @Test
    void aLaterMilterSeesTheMessageAsTheEarlierLeftIt() throws Exception {
        milter = ScriptedMilter.start(root.resolve("first"), """
                {"edits": [
                  ["addheader", "X-First", "was here"],
                  ["chgheader", "Subject", 1, "changed by the first"],
                  ["chgheader", "X-Drop", 1, ""],
                  ["replacebody", "the first's body\\r\\n"]
                ]}""");
        try (ScriptedMilter second = ScriptedMilter.start(root.resolve("second"),
                "{\"edits\": [[\"chgheader\", \"X-First\", 1, \"changed by the second\"]]}")) {
            system = new MailSystemFixture(root.resolve("system"))
                    .set("smtpd_milters", "unix:" + milter.socket() + ", unix:" + second.socket()).start();
            assertThat(send("old subject")).startsWith("250 2.0.0 Ok: queued as ");
            String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0));
            second.awaitStage("close");
            List<String> headers = second.events().stream().filter(e -> e.contains("\"stage\": \"header\"")).toList();
            assertThat(headers).anyMatch(e -> e.contains("\"X-First\", \"was here\""))
                    .anyMatch(e -> e.contains("\"Subject\", \"changed by the first\""))
                    .noneMatch(e -> e.contains("old subject") || e.contains("X-Drop"));
            assertThat(second.events()).anyMatch(e -> e.contains("\"stage\": \"body\"")
                    && e.contains("the first's body\\r\\n")).noneMatch(e -> e.contains("the original body"));
            // The second milter's edit names a header the first one added.
            assertThat(delivered).contains("\nX-First: changed by the second\n").contains("Subject: changed by the first")
                    .endsWith("\n\nthe first's body\n");
        }
    }

    private void startWithHeaderChecks(String script, String checks) throws Exception {
        milter = ScriptedMilter.start(root.resolve("milter"), script);
        Path table = Files.writeString(root.resolve("milter_header_checks"), checks);
        system = new MailSystemFixture(root.resolve("system")).set("smtpd_milters", "unix:" + milter.socket())
                .set("milter_header_checks", "regexp:" + table).start();
    }

    @Test
    void milterHeaderChecksRejectAMessageForAHeaderTheMilterAdded() throws Exception {
        startWithHeaderChecks("{\"edits\": [[\"addheader\", \"X-Spam\", \"yes\"]]}",
                "/^X-Spam: yes/ REJECT spam by milter\n/^Subject:/ REJECT never for the message's own headers\n");
        assertThat(send("x")).isEqualTo("550 5.7.1 spam by milter");
        system.awaitLog(": milter-header-reject: header X-Spam: yes from unknown[127.0.0.2]; "
                + "from=<sender@remote.example> to=<alice@example.test> proto=ESMTP helo=<remote.example>: 5.7.1 spam by milter");
        assertThat(queued("active")).isEmpty();
        assertThat(queued("incoming")).isEmpty();
    }

    @Test
    void milterHeaderChecksDropAndReplaceWhatTheMilterAddsOrChanges() throws Exception {
        startWithHeaderChecks("""
                {"edits": [
                  ["addheader", "X-Internal", "secret"],
                  ["addheader", "X-Kept", "yes"],
                  ["chgheader", "Subject", 1, "changed"],
                  ["chgheader", "X-Drop", 1, "changed too"]
                ]}""", """
                /^X-Internal:/ IGNORE
                /^Subject: (.*)/ REPLACE Subject: [checked] $1
                /^X-Drop: changed/ STRIP
                /^X-Kept:/ WARN kept
                """);
        assertThat(send("old subject")).startsWith("250 2.0.0 Ok: queued as ");
        String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0));
        String headers = delivered.substring(0, delivered.indexOf("\n\n"));
        assertThat(headers).contains("\nSubject: [checked] changed\n").contains("\nX-Kept: yes")
                .doesNotContain("X-Internal").doesNotContain("old subject")
                // A change that the checks drop leaves the header as it was.
                .contains("\nX-Drop: remove me");
        assertThat(system.maillog()).contains(": milter-header-warning: header X-Kept: yes from unknown[127.0.0.2];")
                .contains(": milter-header-strip: header X-Drop: changed too from")
                .contains(": milter-header-replace: header Subject: changed from");
    }

    @Test
    void milterHeaderChecksDiscardEndsTheMilterStageAndKeepsNothing() throws Exception {
        milter = ScriptedMilter.start(root.resolve("first"), "{\"edits\": [[\"addheader\", \"X-Spam\", \"yes\"]]}");
        Path table = Files.writeString(root.resolve("milter_header_checks"), "/^X-Spam:/ DISCARD dropped\n");
        try (ScriptedMilter second = ScriptedMilter.start(root.resolve("second"), "{}")) {
            system = new MailSystemFixture(root.resolve("system"))
                    .set("smtpd_milters", "unix:" + milter.socket() + " unix:" + second.socket())
                    .set("milter_header_checks", "regexp:" + table).start();
            String reply = send("x");
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            system.awaitLog(queueId(reply) + ": milter-header-discard: header X-Spam: yes from unknown[127.0.0.2];");
            second.awaitStage("close");
            assertThat(second.events()).anyMatch(e -> e.contains("\"stage\": \"envrcpt\""))
                    .noneMatch(e -> e.contains("\"stage\": \"eom\""));
            assertThat(queued("active")).isEmpty();
            assertThat(system.delivered("alice")).isEmpty();
        }
    }

    @Test
    void aMilterThatWantsNeitherHeadersNorBodyGetsEndOfMessageAndTheMessageIsUnchanged() throws Exception {
        // SMFIF_ADDRCPT only: the message is not held back for it, its envelope edit still counts.
        start("""
                {"nocallback": ["header", "eoh", "body"], "flags": 4,
                 "edits": [["addrcpt", "<bob@example.test>"]]}""");
        assertThat(send("passed through")).startsWith("250 2.0.0 Ok: queued as ");
        String toAlice = Files.readString(system.awaitDelivered("alice", 1).get(0));
        String toBob = Files.readString(system.awaitDelivered("bob", 1).get(0));
        for (String delivered : List.of(toAlice, toBob)) {
            assertThat(delivered).contains("\nSubject: passed through\nX-Drop: remove me\n\nthe original body\n");
        }
        milter.awaitStage("close");
        assertThat(milter.events()).anyMatch(e -> e.contains("\"stage\": \"eom\""))
                .noneMatch(e -> e.contains("\"stage\": \"header\"") || e.contains("\"stage\": \"body\""));
    }

    @Test
    void recipientAndSenderEditsChangeTheEnvelope() throws Exception {
        start("""
                {"edits": [
                  ["addrcpt", "<bob@example.test>"],
                  ["delrcpt", "<alice@example.test>"],
                  ["chgfrom", "<bounces@remote.example>"]
                ]}""");
        assertThat(send("x")).startsWith("250 2.0.0 Ok: queued as ");
        String delivered = Files.readString(system.awaitDelivered("bob", 1).get(0));
        assertThat(delivered).contains("Return-Path: <bounces@remote.example>");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void theMilterSeesEveryStageWithTheQueueIdAndWithoutOurReceivedHeader() throws Exception {
        start("{}");
        String reply = send("stages");
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        milter.awaitStage("close");
        List<String> events = milter.events();
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"connect\"") && e.contains("127.0.0.2"));
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"hello\"") && e.contains("remote.example"));
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"envfrom\"") && e.contains("<sender@remote.example>"));
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"envrcpt\"") && e.contains("<alice@example.test>"));
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"eom\"") && e.contains("\"i\": \"" + queueId(reply) + "\""));
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"header\"") && e.contains("Subject"));
        assertThat(events).noneMatch(e -> e.contains("\"stage\": \"header\"") && e.contains("Received"));
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"body\"") && e.contains("the original body\\r\\n"));
        system.awaitDelivered("alice", 1);
    }

    @Test
    void aBodyOverTheMemoryLimitReachesTheMilterWholeInCrlfForm() throws Exception {
        start("{}");
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 30000; i++) {
            body.append("line ").append(100000 + i).append('\n');
        }
        String content = "From: sender@remote.example\nSubject: big\n\n" + body;
        assertThat(SmtpDialogue.send(system.port(), "127.0.0.2", "remote.example", "sender@remote.example",
                "alice@example.test", content)).startsWith("250 2.0.0 Ok: queued as ");
        milter.awaitStage("eom");
        StringBuilder seen = new StringBuilder();
        for (String event : milter.events()) {
            if (event.contains("\"stage\": \"body\"")) {
                String chunk = event.substring(event.indexOf("\"args\": [\"") + 10, event.indexOf("\"], \"macros\""));
                seen.append(chunk.replace("\\r", "\r").replace("\\n", "\n"));
            }
        }
        assertThat(seen.toString()).isEqualTo(body.toString().replace("\n", "\r\n"));
        String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(delivered).endsWith(body.toString());
    }

    @Test
    void aServiceWithItsOwnEmptyMilterListOrNoMiltersIsNotFiltered() throws Exception {
        milter = ScriptedMilter.start(root.resolve("milter"), "{\"envfrom\": \"reject\"}");
        int reinjection = FreePorts.next();
        int filtered = FreePorts.next();
        system = new MailSystemFixture(root.resolve("system")).set("smtpd_milters", "unix:" + milter.socket())
                .service("127.0.0.1:" + reinjection + " inet n - n - - smtpd\n  -o smtpd_milters=")
                .service("127.0.0.1:" + filtered + " inet n - n - - smtpd\n  -o receive_override_options=no_milters")
                .start();

        assertThat(send("x")).as("main.cf's milter on the main port").isEqualTo("550 5.7.1 Command rejected");
        for (int port : new int[] {reinjection, filtered}) {
            assertThat(SmtpDialogue.send(port, "127.0.0.1", "localhost", "sender@remote.example",
                    "alice@example.test", message("reinjected"))).startsWith("250 2.0.0 Ok: queued as ");
        }
        system.awaitDelivered("alice", 2);
    }

    @Test
    void aMilterThatHangsAtEndOfMessageGetsTheDefaultActionAndLosesNothingAccepted() throws Exception {
        try (RawMilter raw = RawMilter.start(c -> c == 'E' ? new RawMilter.Hang() : RawMilter.CONTINUE)) {
            system = new MailSystemFixture(root.resolve("system"))
                    .set("smtpd_milters", "{ " + raw.endpoint() + ", content_timeout=1s }").start();
            try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
                smtp.reply();
                smtp.command("EHLO remote.example");
                smtp.command("MAIL FROM:<sender@remote.example>");
                smtp.command("RCPT TO:<alice@example.test>");
                smtp.command("DATA");
                assertThat(smtp.command(message("x").replace("\n", "\r\n") + "."))
                        .isEqualTo("451 4.7.1 Service unavailable - try again later");
                // The failed milter answers with its default action for the rest of the session.
                assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).startsWith("451 4.7.1 ");
                smtp.command("QUIT");
            }
            String log = system.awaitLog("disconnect from unknown[127.0.0.2]");
            assertThat(log).contains("milter-reject: END-OF-MESSAGE from unknown[127.0.0.2]: 4.7.1 Service unavailable");
            assertThat(log.lines().filter(l -> l.contains("warning: milter " + raw.endpoint()))).hasSize(1);
            assertThat(queued("active")).isEmpty();
            assertThat(queued("incoming")).isEmpty();
            java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
            while (raw.openConnections() > 0 && java.time.Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertThat(raw.openConnections()).as("milter connections left open").isZero();
        }
    }

    @Test
    void nothingListeningWithTempfailAnswers451AndQueuesNothing() throws Exception {
        int port = FreePorts.next();
        system = new MailSystemFixture(root.resolve("system")).set("smtpd_milters", "inet:127.0.0.1:" + port)
                .set("milter_default_action", "tempfail").start();
        String reply = send("x");
        assertThat(reply).startsWith("451 4.");
        assertThat(system.maillog()).contains("warning: connect to Milter service inet:127.0.0.1:" + port);
        assertThat(queued("active")).isEmpty();
        assertThat(queued("incoming")).isEmpty();
    }

    @Test
    void nothingListeningWithAcceptDelivers() throws Exception {
        int port = FreePorts.next();
        system = new MailSystemFixture(root.resolve("system")).set("smtpd_milters", "inet:127.0.0.1:" + port)
                .set("milter_default_action", "accept").start();
        assertThat(send("x")).startsWith("250 2.0.0 Ok: queued as ");
        system.awaitDelivered("alice", 1);
        assertThat(system.maillog()).contains("warning: connect to Milter service inet:127.0.0.1:" + port);
    }

    @Test
    void builtInDkimSigningSignsTheMessageAsTheMilterLeftIt() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            KeyPair rsa = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, 2048);
            milter = ScriptedMilter.start(root.resolve("milter"), """
                    {"edits": [
                      ["chgheader", "Subject", 1, "changed by the milter"],
                      ["addheader", "X-Scanned", "yes"],
                      ["replacebody", "a body the milter wrote\\r\\n"]
                    ]}""");
            system = new MailSystemFixture(root.resolve("system"));
            DkimKeyGenerator.writePrivateKey(system.conf.resolve("rsa.private"), rsa);
            Files.writeString(system.conf.resolve("keytable"), "rsakey example.test:rsa:"
                    + system.conf.resolve("rsa.private") + "\n");
            Files.writeString(system.conf.resolve("signingtable"), "example.test rsakey\n");
            dns.addTxt("rsa._domainkey.example.test",
                    DkimKeyRecords.txt(rsa.getPublic()).replaceAll("(.{1,250})", "$1\n").split("\n"));
            system.set("dkim_key_table", "texthash:" + system.conf.resolve("keytable"))
                    .set("dkim_signing_table", "texthash:" + system.conf.resolve("signingtable"))
                    .set("dns_servers", dns.address())
                    .set("smtpd_milters", "unix:" + milter.socket())
                    .start();

            // From mynetworks, so signed.
            assertThat(SmtpDialogue.send(system.port(), "127.0.0.1", "client.example.test", "bob@example.test",
                    "alice@example.test", "From: bob@example.test\nTo: alice@example.test\nSubject: original\n\nold body\n"))
                    .startsWith("250 2.0.0 Ok: queued as ");
            String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0), StandardCharsets.ISO_8859_1);
            assertThat(delivered).contains("Subject: changed by the milter").contains("X-Scanned: yes")
                    .contains("a body the milter wrote").contains("DKIM-Signature:");
            byte[] crlf = delivered.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            List<DkimResult> results = new DkimVerifier(DnsResolver.create(List.of(dns.address()))).verify(crlf);
            assertThat(results).extracting(DkimResult::result).containsExactly(DkimResult.Result.PASS);
        }
    }

    @Test
    void aMilterThatRefusesTheConnectionRefusesTheBannerAndEveryMail() throws Exception {
        start("{\"connect\": \"reject\"}");
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            assertThat(smtp.reply()).isEqualTo("554 mail.example.test ESMTP not accepting connections");
            assertThat(smtp.command("EHLO remote.example")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).startsWith("550 ");
            smtp.command("QUIT");
        }
        assertThat(system.awaitLog("disconnect from unknown[127.0.0.2]"))
                .contains("NOQUEUE: milter-reject: CONNECT from unknown[127.0.0.2]: 550 5.7.1 Command rejected; proto=SMTP");
        assertThat(queued("incoming")).isEmpty();
    }

    @Test
    void aHeloRefusalAnswersTheLaterMailNotTheHelo() throws Exception {
        start("{\"hello\": \"tempfail\"}");
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.command("EHLO remote.example")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).startsWith("451 4.7.1 ");
            assertThat(smtp.command("VRFY alice@example.test")).startsWith("451 4.7.1 ");
            smtp.command("QUIT");
        }
        assertThat(system.awaitLog("disconnect from unknown[127.0.0.2]"))
                .contains("NOQUEUE: milter-reject: HELO from unknown[127.0.0.2]: 451 4.7.1 Service unavailable - try "
                        + "again later; proto=SMTP helo=<remote.example>");
    }

    @Test
    void theNextSessionCarriesOnOverTheConnectionTheLastOneLeftWithQuitNc() throws Exception {
        start("{}");
        assertThat(SmtpDialogue.send(system.port(), "127.0.0.2", "one.example", "sender@remote.example",
                "alice@example.test", message("first"))).startsWith("250 ");
        // The milter connection is parked before the session logs its end.
        system.awaitLog("disconnect from unknown[127.0.0.2]");
        assertThat(SmtpDialogue.send(system.port(), "127.0.0.3", "two.example", "sender@remote.example",
                "alice@example.test", message("second"))).startsWith("250 ");
        system.awaitDelivered("alice", 2);
        List<String> connects = milter.events().stream().filter(e -> e.contains("\"stage\": \"connect\"")).toList();
        assertThat(connects).hasSize(2);
        // Each session is told its own client, over one connection: one negotiation.
        assertThat(connects.get(0)).contains("127.0.0.2");
        assertThat(connects.get(1)).contains("127.0.0.3");
        assertThat(negotiations(connects.get(0))).isEqualTo("1");
        assertThat(negotiations(connects.get(1))).isEqualTo("1");
        assertThat(milter.events().stream().filter(e -> e.contains("\"stage\": \"hello\"")))
                .anyMatch(e -> e.contains("two.example"));
        assertThat(milter.events().stream().filter(e -> e.contains("\"stage\": \"eom\""))).hasSize(2);
    }

    private static String negotiations(String event) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"negotiations\": (\\d+)").matcher(event);
        assertThat(m.find()).as(event).isTrue();
        return m.group(1);
    }

    @Test
    void everySessionClosesItsMilterConnectionWhateverEndsIt() throws Exception {
        start("{}");
        send("one");
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO remote.example");
            smtp.command("MAIL FROM:<sender@remote.example>");
            // The client goes away mid-transaction.
        }
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("NO SUCH COMMAND");
            smtp.command("QUIT");
        }
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
        while (milter.events().stream().filter(e -> e.contains("\"stage\": \"close\"")).count() < 3
                && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        List<String> events = milter.events();
        assertThat(events.stream().filter(e -> e.contains("\"stage\": \"connect\""))).hasSize(3);
        assertThat(events.stream().filter(e -> e.contains("\"stage\": \"close\""))).as("%s", events).hasSize(3);
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"abort\""));
        assertThat(events).anyMatch(e -> e.contains("\"stage\": \"unknown\"") && e.contains("NO SUCH COMMAND"));
    }

    private void sendmail(String content) throws Exception {
        var in = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
            int exit = org.bulwark.cli.Bulwark.commandLine().execute("sendmail", "-c", system.conf.toString(),
                    "-f", "root@example.test", "alice@example.test");
            assertThat(exit).isZero();
        } finally {
            System.setIn(in);
        }
    }

    @Test
    void nonSmtpdMiltersSeeLocallyPostedMailAsLocalhostAndEditIt() throws Exception {
        milter = ScriptedMilter.start(root.resolve("milter"), "{\"edits\": [[\"addheader\", \"X-Local\", \"seen\"]]}");
        system = new MailSystemFixture(root.resolve("system")).set("non_smtpd_milters", "unix:" + milter.socket())
                .start();
        sendmail("Subject: from sendmail\n\nhello\n");

        String delivered = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(delivered).contains("X-Local: seen").contains("Subject: from sendmail");
        milter.awaitStage("close");
        assertThat(milter.first("connect")).contains("127.0.0.1");
        assertThat(milter.first("envfrom")).contains("<root@example.test>");
        assertThat(milter.first("envrcpt")).contains("<alice@example.test>");
        assertThat(system.maillog()).doesNotContain("non_smtpd_milters is ignored");
    }

    @Test
    void nonSmtpdMilterRejectKeepsTheMessageOutOfTheQueue() throws Exception {
        milter = ScriptedMilter.start(root.resolve("milter"), "{\"eom\": \"reject\"}");
        system = new MailSystemFixture(root.resolve("system")).set("non_smtpd_milters", "unix:" + milter.socket())
                .start();
        sendmail("Subject: refused\n\nhello\n");

        String log = system.awaitLog("milter-reject: END-OF-MESSAGE from localhost[127.0.0.1]: 5.7.1 Command rejected;"
                + " from=<root@example.test>");
        assertThat(system.awaitLog("message refused: 550 5.7.1 Command rejected; moved to corrupt/")).isNotEmpty();
        assertThat(queued("active")).isEmpty();
        assertThat(queued("corrupt")).hasSize(1);
        assertThat(system.delivered("alice")).isEmpty();
    }

    private List<Path> queued(String queue) throws Exception {
        Path dir = system.var.resolve("spool").resolve(queue);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
