package org.bulwark.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.junit.jupiter.api.Test;

class SmtpServerTest {

    private static final String EHLO_REPLY = String.join("\n",
            "250-mx.example.org", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY", "250-ETRN",
            "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING");

    @Test
    void greetsAndQueuesAMessage() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            assertThat(c.reply()).isEqualTo("220 mx.example.org ESMTP Bulwark");
            assertThat(c.send("EHLO client.example")).isEqualTo(EHLO_REPLY);
            assertThat(c.send("MAIL FROM:<a@example.net> BODY=8BITMIME")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.send("RCPT TO:<b@example.org> NOTIFY=SUCCESS")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.send("DATA")).isEqualTo("354 End data with <CR><LF>.<CR><LF>");
            String reply = c.send("Subject: hi\r\n\r\n..dot\r\n.");
            assertThat(reply).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
            assertThat(c.send("QUIT")).isEqualTo("221 2.0.0 Bye");

            RecordingIntake.Message m = fx.intake.committed.get(0);
            assertThat(reply).endsWith(m.id().value());
            assertThat(m.content()).isEqualTo("Subject: hi\r\n\r\n.dot\r\n");
            assertThat(m.envelope().sender()).isEqualTo(new MailAddress("a", "example.net"));
            assertThat(m.envelope().recipients()).containsExactly(
                    new Recipient(new MailAddress("b", "example.org"), "b@example.org", "SUCCESS"));
            assertThat(m.envelope().body()).isEqualTo("8BITMIME");
            assertThat(m.envelope().client().protocol()).isEqualTo("ESMTP");
            assertThat(m.envelope().client().helo()).isEqualTo("client.example");
            assertThat(fx.logAfterSessions())
                    .contains("postfix/smtpd[", "connect from unknown[127.0.0.1]")
                    .contains("disconnect from unknown[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5");
        }
    }

    @Test
    void answersAPipelinedGroupInOrder() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            c.write("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n");
            assertThat(c.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).isEqualTo("354 End data with <CR><LF>.<CR><LF>");
            c.write("body\r\n.\r\nRSET\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok");
            assertThat(c.reply()).isEqualTo("221 2.0.0 Bye");
            assertThat(fx.intake.committed).hasSize(1);
            assertThat(fx.intake.committed.get(0).envelope().recipients()).hasSize(2);
            assertThat(fx.logAfterSessions()).doesNotContain("improper command pipelining");
        }
    }

    @Test
    void hangsUpOnImproperPipelining() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            c.write("EHLO client.example\r\nMAIL FROM:<a@example.net>\r\n");
            assertThat(c.reply()).isEqualTo("554 5.5.0 Error: SMTP protocol synchronization");
            assertThat(c.closedByServer()).isTrue();
            assertThat(fx.logAfterSessions())
                    .contains("improper command pipelining after EHLO from unknown[127.0.0.1]: MAIL FROM:<a@example.net>\\r\\n");
        }
    }

    @Test
    void logsImproperPipeliningAfterDataWhenAllowed() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_forbid_unauth_pipelining", "no"));
                SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            c.write("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nbody\r\n.\r\nQUIT\r\n");
            for (int i = 0; i < 4; i++) {
                c.reply();
            }
            assertThat(c.reply()).isEqualTo("221 2.0.0 Bye");
            assertThat(fx.logAfterSessions())
                    .contains("improper command pipelining after DATA from unknown[127.0.0.1]: body\\r\\n.\\r\\nQUIT\\r\\n");
        }
    }

    @Test
    void acceptsChunkedContent() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            c.send("MAIL FROM:<a@example.net>");
            c.send("RCPT TO:<b@example.org>");
            c.write("BDAT 12\r\nSubject: x\r\n");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: 12 bytes");
            c.write("BDAT 7 LAST\r\n\r\n.body");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(c.send("DATA")).isEqualTo("503 5.5.1 Error: need RCPT command");
            assertThat(fx.intake.committed.get(0).content()).isEqualTo("Subject: x\r\n\r\n.body");
        }
    }

    @Test
    void bareLfDotBareLfInsideDataDoesNotEndTheMessage() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            c.send("MAIL FROM:<a@example.net>");
            c.send("RCPT TO:<b@example.org>");
            c.send("DATA");
            c.write("Subject: one\r\n\r\nx\n.\nMAIL FROM:<evil@example.net>\r\nRCPT TO:<victim@example.org>\r\n"
                    + "DATA\r\nSubject: smuggled\r\n\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(c.send("QUIT")).isEqualTo("221 2.0.0 Bye");
            assertThat(fx.intake.committed).hasSize(1);
            assertThat(fx.intake.committed.get(0).content()).contains("MAIL FROM:<evil@example.net>", "Subject: smuggled");
        }
    }

    @Test
    void refusesADeclaredSizeOverTheLimit() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("message_size_limit", "1000")); SmtpClient c = fx.client()) {
            c.reply();
            assertThat(c.send("EHLO client.example")).contains("250-SIZE 1000");
            assertThat(c.send("MAIL FROM:<a@example.net> SIZE=1001"))
                    .isEqualTo("552 5.3.4 Message size exceeds fixed limit");
        }
    }

    @Test
    void refusesContentOverTheLimitAfterReadingIt() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("message_size_limit", "100")); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            c.send("MAIL FROM:<a@example.net>");
            c.send("RCPT TO:<b@example.org>");
            c.send("DATA");
            c.write("x".repeat(70) + "\r\n" + "y".repeat(70) + "\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("552 5.3.4 Error: message file too big");
            assertThat(c.send("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(fx.intake.committed).isEmpty();
            assertThat(fx.intake.aborted).hasValue(1);
        }
    }

    @Test
    void limitsRecipientsPerMessage() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_recipient_limit", "2")); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            c.send("MAIL FROM:<a@example.net>");
            assertThat(c.send("RCPT TO:<b1@example.org>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.send("RCPT TO:<b2@example.org>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.send("RCPT TO:<b3@example.org>")).isEqualTo("452 4.5.3 Error: too many recipients");
        }
    }

    @Test
    void requiresHeloWhenConfigured() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_helo_required", "yes")); SmtpClient c = fx.client()) {
            c.reply();
            assertThat(c.send("MAIL FROM:<a@example.net>")).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
            assertThat(c.send("HELO client.example")).isEqualTo("250 mx.example.org");
            assertThat(c.send("MAIL FROM:<a@example.net>")).isEqualTo("250 2.1.0 Ok");
        }
    }

    @Test
    void answersCommandsOutOfSequence() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            assertThat(c.send("RCPT TO:<b@example.org>")).isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(c.send("DATA")).isEqualTo("503 5.5.1 Error: need RCPT command");
            assertThat(c.send("MAIL FROM:<a@example.net>")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.send("MAIL FROM:<a@example.net>")).isEqualTo("503 5.5.1 Error: nested MAIL command");
            assertThat(c.send("DATA")).isEqualTo("554 5.5.1 Error: no valid recipients");
            // Postfix's smtpd knows STARTTLS and AUTH even where they are not offered.
            assertThat(c.send("STARTTLS")).isEqualTo("502 5.5.1 Error: command not implemented");
            assertThat(c.send("AUTH PLAIN")).isEqualTo("503 5.5.1 Error: authentication not enabled");
            assertThat(c.send("HELP")).isEqualTo("502 5.5.2 Error: command not recognized");
            assertThat(c.send("")).isEqualTo("500 5.5.2 Error: bad syntax");
            assertThat(c.send("HELO")).isEqualTo("501 Syntax: HELO hostname");
            assertThat(c.send("MAIL FROM:<a@example.net> FOO=BAR")).isEqualTo("503 5.5.1 Error: nested MAIL command");
            assertThat(c.send("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(c.send("MAIL FROM:<a@example.net> FOO=BAR")).isEqualTo("555 5.5.4 Unsupported option: FOO=BAR");
            assertThat(c.send("QUIT")).isEqualTo("221 2.0.0 Bye");
            assertThat(fx.logAfterSessions()).contains(
                    "disconnect from unknown[127.0.0.1] helo=0/1 starttls=0/1 auth=0/1 mail=1/4 rcpt=0/1 data=0/2 rset=1 quit=1"
                    + " unknown=0/1 commands=3/13");
        }
    }

    @Test
    void closesTheSessionAtTheHardErrorLimit() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_hard_error_limit", "3")); SmtpClient c = fx.client()) {
            c.reply();
            c.send("BOGUS 1");
            c.send("BOGUS 2");
            assertThat(c.send("BOGUS 3")).isEqualTo("502 5.5.2 Error: command not recognized");
            assertThat(c.reply()).isEqualTo("421 4.7.0 mx.example.org Error: too many errors");
            assertThat(c.closedByServer()).isTrue();
            assertThat(fx.logAfterSessions()).contains("too many errors after UNKNOWN from unknown[127.0.0.1]");
        }
    }

    @Test
    void countsRepeatedNoopsPastTheJunkLimitAsErrors() throws Exception {
        Map<String, String> limits = Map.of("smtpd_junk_command_limit", "2", "smtpd_hard_error_limit", "3");
        try (ServerFixture fx = new ServerFixture(limits); SmtpClient c = fx.client()) {
            c.reply();
            int noops = 0;
            String reply = c.send("NOOP");
            while (reply.equals("250 2.0.0 Ok") && noops < 20) {
                noops++;
                reply = c.send("NOOP");
            }
            assertThat(reply).isEqualTo("421 4.7.0 mx.example.org Error: too many errors");
            assertThat(noops).isEqualTo(6);
        }
    }

    @Test
    void rejectsRelayFromOutsideMynetworks() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = new SmtpClient(fx.port(), "127.0.0.2")) {
            c.reply();
            c.send("EHLO outside.example");
            c.send("MAIL FROM:<a@example.net>");
            assertThat(c.send("RCPT TO:<x@elsewhere.example>"))
                    .isEqualTo("554 5.7.1 <x@elsewhere.example>: Relay access denied");
            assertThat(c.send("RCPT TO:<b@example.org>")).isEqualTo("250 2.1.5 Ok");
            assertThat(fx.log()).contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 "
                    + "<x@elsewhere.example>: Relay access denied; from=<a@example.net> to=<x@elsewhere.example> "
                    + "proto=ESMTP helo=<outside.example>");
        }
    }

    @Test
    void relaysForClientsInMynetworks() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO inside.example");
            c.send("MAIL FROM:<a@example.net>");
            assertThat(c.send("RCPT TO:<x@elsewhere.example>")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void appendsMyoriginToUnqualifiedAddresses() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            c.send("HELO client.example");
            c.send("MAIL FROM:<alice>");
            c.send("RCPT TO:<postmaster>");
            c.send("DATA");
            assertThat(c.send("x\r\n.")).startsWith("250 2.0.0 Ok: queued as ");
            RecordingIntake.Message m = fx.intake.committed.get(0);
            assertThat(m.envelope().sender().internal()).isEqualTo("alice@example.org");
            assertThat(m.envelope().recipients().get(0).address().internal()).isEqualTo("postmaster@example.org");
            assertThat(m.envelope().client().protocol()).isEqualTo("SMTP");
        }
    }

    @Test
    void repliesTimeoutToAnIdleClient() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_timeout", "1s")); SmtpClient c = fx.client()) {
            c.reply();
            assertThat(c.reply()).isEqualTo("421 4.4.2 mx.example.org Error: timeout exceeded");
            assertThat(fx.logAfterSessions()).contains("timeout after CONNECT from unknown[127.0.0.1]");
        }
    }

    /**
     * smtpd_timeout holds for replies too (Postfix: "the time limit for sending a server response"):
     * a client that sends and never reads fills the socket's buffers until the server's write
     * blocks; the session then ends with the timeout instead of holding its slot for good.
     */
    @Test
    void endsTheSessionOfAClientThatStopsReading() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_timeout", "1s", "smtpd_junk_command_limit", "10000000"));
                java.net.Socket client = new java.net.Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(new java.net.InetSocketAddress("127.0.0.1", fx.port()));
            var replies = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(replies.readLine()).startsWith("220 ");
            client.getOutputStream().write("EHLO client.example\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (String line = replies.readLine(); !line.startsWith("250 "); line = replies.readLine()) {
                assertThat(line).startsWith("250-");
            }
            // Replies are small, the kernel's buffers on loopback large: many commands to fill them.
            byte[] commands = "RSET\r\n".repeat(10_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 1000; i++) {
                        client.getOutputStream().write(commands);
                    }
                } catch (java.io.IOException e) {
                    // The server gave up on this client: what the test waits for.
                }
            });
            String log = "";
            for (int i = 0; i < 300 && !log.contains("disconnect from"); i++) {
                Thread.sleep(100);
                log = fx.log();
            }
            assertThat(log).contains("timeout after RSET from unknown[127.0.0.1]");
            client.close();
            writer.join();
        }
    }

    @Test
    void turnsAwayClientsBeyondTheProcessLimit() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of(), RestrictionCheck.NONE, 1);
                SmtpClient first = fx.client()) {
            assertThat(first.reply()).startsWith("220 ");
            try (SmtpClient second = fx.client()) {
                assertThat(second.reply()).isEqualTo("421 4.3.2 Service currently unavailable");
                assertThat(second.closedByServer()).isTrue();
            }
        }
    }

    /**
     * The queue file is made after the 354 when no milter waits for its ID: a failure then is
     * answered after the content, which is read to its end so that the session goes on.
     */
    @Test
    void aQueueFileThatCannotBeMadeIsAnsweredAfterTheDot() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            fx.intake.failOpen = true;
            c.reply();
            c.send("EHLO client.example");
            c.send("MAIL FROM:<a@example.net>");
            c.send("RCPT TO:<b@example.org>");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("Subject: lost\r\n\r\nfirst line\r\n.")).isEqualTo("451 4.3.0 Error: queue file write error");
            fx.intake.failOpen = false;
            assertThat(c.send("MAIL FROM:<a@example.net>")).startsWith("250 ");
            c.send("RCPT TO:<b@example.org>");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("Subject: kept\r\n\r\nsecond\r\n.")).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(fx.intake.committed).hasSize(1);
            assertThat(fx.intake.committed.get(0).content()).contains("Subject: kept").doesNotContain("lost");
            assertThat(fx.logAfterSessions()).contains("warning: cannot create queue file for message from");
        }
    }

    /** A thread to go on accepting that cannot be started costs one client its session, never the listener. */
    @Test
    void goesOnAcceptingWhenTheNextAcceptingThreadCannotStart() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of(), RestrictionCheck.NONE, 2)) {
            SmtpServer.AcceptorStart real = fx.server.acceptors;
            java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
            fx.server.acceptors = (name, loop) -> {
                if (failed.compareAndSet(false, true)) {
                    throw new OutOfMemoryError("simulated: no memory for a thread");
                }
                return real.start(name, loop);
            };
            try (SmtpClient refused = fx.client()) {
                assertThat(refused.reply()).isEqualTo("421 4.3.2 Service currently unavailable");
                assertThat(refused.closedByServer()).isTrue();
            }
            // Both slots are free again: the refused client's was given back.
            try (SmtpClient first = fx.client(); SmtpClient second = fx.client()) {
                assertThat(first.reply()).startsWith("220 ");
                assertThat(second.reply()).startsWith("220 ");
                assertThat(first.send("NOOP")).startsWith("250 ");
                assertThat(second.send("NOOP")).startsWith("250 ");
            }
            assertThat(fx.logAfterSessions()).contains("cannot start a thread to accept on port")
                    .contains("simulated: no memory for a thread");
        }
    }

    @Test
    void neverSays250WhenTheCommitFails() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            fx.intake.failCommit = true;
            c.reply();
            c.send("EHLO client.example");
            c.send("MAIL FROM:<a@example.net>");
            c.send("RCPT TO:<b@example.org>");
            c.send("DATA");
            assertThat(c.send("x\r\n.")).isEqualTo("451 4.3.0 Error: queue file write error");
            assertThat(fx.intake.aborted).hasValue(1);
        }
    }

    @Test
    void logsALostConnectionInData() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of())) {
            try (SmtpClient c = fx.client()) {
                c.reply();
                c.send("EHLO client.example");
                c.send("MAIL FROM:<a@example.net>");
                c.send("RCPT TO:<b@example.org>");
                c.send("DATA");
                c.write("partial\r\n");
            }
            assertThat(fx.logAfterSessions()).contains("lost connection after DATA from unknown[127.0.0.1]");
            assertThat(fx.intake.aborted).hasValue(1);
        }
    }

    @Test
    void refusesBareNewlinesWhenConfiguredTo() throws Exception {
        Map<String, String> reject = Map.of("smtpd_forbid_bare_newline", "reject",
                "smtpd_forbid_bare_newline_exclusions", "");
        try (ServerFixture fx = new ServerFixture(reject); SmtpClient c = fx.client()) {
            c.reply();
            c.write("EHLO client.example\n");
            assertThat(c.reply()).isEqualTo("550 5.5.2 Error: bare <LF> received");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void exemptsMynetworksFromTheBareNewlineRejection() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_forbid_bare_newline", "reject"));
                SmtpClient c = fx.client()) {
            c.reply();
            c.write("HELO client.example\n");
            assertThat(c.reply()).isEqualTo("250 mx.example.org");
        }
    }

    @Test
    void answersVrfyAsPostfixDoes() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            assertThat(c.send("VRFY <b@example.org>")).isEqualTo("252 2.0.0 <b@example.org>");
            assertThat(c.send("VRFY")).isEqualTo("501 5.5.4 Syntax: VRFY address");
            assertThat(c.send("ETRN example.org")).isEqualTo("458 Unable to queue messages");
        }
        try (ServerFixture fx = new ServerFixture(Map.of("disable_vrfy_command", "yes")); SmtpClient c = fx.client()) {
            c.reply();
            assertThat(c.send("EHLO client.example")).doesNotContain("VRFY");
            assertThat(c.send("VRFY <b@example.org>")).isEqualTo("502 5.5.1 VRFY command is disabled");
        }
    }

    @Test
    void discardsConfiguredEhloKeywords() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("smtpd_discard_ehlo_keywords", "chunking, dsn"));
                SmtpClient c = fx.client()) {
            c.reply();
            String ehlo = c.send("EHLO client.example");
            assertThat(ehlo).doesNotContain("CHUNKING").doesNotContain("DSN").endsWith("250 SMTPUTF8");
            c.send("MAIL FROM:<a@example.net>");
            assertThat(c.send("RCPT TO:<b@example.org> NOTIFY=NEVER")).isEqualTo("501 5.7.1 DSN support is disabled");
        }
    }

    @Test
    void refusesUtf8AddressesWithoutSmtputf8() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            assertThat(c.send("MAIL FROM:<jösé@example.net>"))
                    .isEqualTo("553 5.6.7 Must declare SMTPUTF8 to send unicode address");
            assertThat(c.send("MAIL FROM:<jösé@example.net> SMTPUTF8")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.send("RCPT TO:<ñ@example.org>")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void refusesOverlongCommandLines() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of("line_length_limit", "100")); SmtpClient c = fx.client()) {
            c.reply();
            assertThat(c.send("NOOP " + "x".repeat(200))).isEqualTo("500 5.5.0 Error: line too long");
            assertThat(c.send("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void stopClosesSessionsAfterTheGracePeriod() throws Exception {
        ServerFixture fx = new ServerFixture(Map.of());
        try (SmtpClient c = fx.client()) {
            c.reply();
            fx.server.stop(java.time.Duration.ZERO);
            assertThat(c.closedByServer()).isTrue();
            assertThat(fx.server.activeSessions()).isZero();
        }
    }

}
