package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rspamd from Debian's package, its proxy worker in milter mode scanning by itself, with one local
 * rule and no map downloads: a message the rule scores as spam is rejected with rspamd's reply, a
 * clean one goes on.
 */
class RspamdMilterTest {

    @TempDir
    Path dir;

    @Test
    void rspamdRejectsSpamAndPassesHam() throws Exception {
        int port = FreePorts.next();
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("rules.lua"), """
                rspamd_config:register_symbol({
                  name = 'BULWARK_TEST_SPAM',
                  score = 20.0,
                  callback = function(task)
                    local s = task:get_header('Subject')
                    return s ~= nil and s:find('BULWARK%-SPAM%-TEST') ~= nil
                  end
                })
                """);
        // A short top-level domain list: compiling the full one takes a minute on a busy machine.
        Files.writeString(dir.resolve("tld.dat"), "com\norg\nnet\ntest\n");
        Files.writeString(dir.resolve("rspamd.conf"), """
                options {
                  pidfile = "%1$s/rspamd.pid";
                  dbdir = "%1$s/db";
                  filters = "";
                  url_tld = "%1$s/tld.dat";
                  dns { nameserver = ["127.0.0.1:1"]; timeout = 1s; retransmits = 1; }
                }
                logging { type = "file"; filename = "%1$s/rspamd.log"; level = "info"; }
                lua = "%1$s/rules.lua";
                actions { reject = 15; add_header = 6; }
                worker "rspamd_proxy" {
                  bind_socket = "127.0.0.1:%2$d";
                  milter = yes;
                  timeout = 60s;
                  upstream "local" { default = yes; self_scan = yes; }
                  count = 1;
                }
                """.formatted(dir, port));
        Process rspamd = new ProcessBuilder(Peers.rspamd(), "-f", "-i", "-c", dir.resolve("rspamd.conf").toString(),
                "-u", "root", "-g", "root").redirectErrorStream(true)
                .redirectOutput(dir.resolve("rspamd.out").toFile()).start();
        try {
            awaitPort(port, rspamd);
            MilterFixture f = new MilterFixture();
            try (MilterSession session = MilterFixture.milters("inet:127.0.0.1:" + port).open(f.log)) {
                assertThat(session.connect(MilterFixture.client())).isEqualTo(MilterReply.CONTINUE);
                assertThat(session.helo("client.example.org", null)).isEqualTo(MilterReply.CONTINUE);
                MessageResult ham = send(session, "Lunch on Friday");
                assertThat(ham.reply()).isEqualTo(MilterReply.CONTINUE);
                session.abort();
                MessageResult spam = send(session, "BULWARK-SPAM-TEST offer");
                assertThat(spam.reply()).isInstanceOfSatisfying(MilterReply.Reject.class,
                        r -> assertThat(r.reply().code()).isEqualTo(554));
                session.abort();
            }
            assertThat(f.log()).isEmpty();
            assertThat(Files.readString(dir.resolve("rspamd.log"))).contains("BULWARK_TEST_SPAM");
        } finally {
            rspamd.destroy();
            if (!rspamd.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                rspamd.destroyForcibly();
            }
        }
    }

    private static MessageResult send(MilterSession session, String subject) {
        session.mail(MilterFacts.Address.of("alice@example.org"), List.of(), null);
        session.rcpt(MilterFacts.Address.of("bob@example.net"), List.of());
        session.data("4ABCDEF123");
        byte[] body = "Hello Bob,\r\nsee you.\r\n".getBytes(StandardCharsets.US_ASCII);
        return session.message(new MessageContent(List.of(
                new MessageContent.Header("From", " Alice <alice@example.org>"),
                new MessageContent.Header("To", " bob@example.net"),
                new MessageContent.Header("Subject", " " + subject),
                new MessageContent.Header("Date", " Mon, 07 Dec 2026 03:00:00 +0000"),
                new MessageContent.Header("Message-ID", " <" + subject.length() + "@example.org>")),
                () -> new ByteArrayInputStream(body)));
    }

    private static void awaitPort(int port, Process process) throws Exception {
        for (int i = 0; i < 1200 && process.isAlive(); i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("rspamd did not start");
    }
}
