package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outbound delivery to Postfix's own test receiver, smtp-sink, which dumps every transaction to a file. */
class SmtpSinkTest {

    @TempDir
    Path dir;

    private TestDnsServer dns;
    private MailSystemFixture mail;
    private Process sink;
    private Path dumps;
    private int port;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        mail = new MailSystemFixture(dir.resolve("sender"));
        mail.set("dns_servers", dns.address());
        dumps = Files.createDirectories(dir.resolve("dumps"));
        // smtp-sink drops privileges to -u's user when started as root; that user must write here.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
        port = MailSystemFixture.freePort();
        mail.set("smtp_tcp_port", String.valueOf(port));
    }

    private void startSink(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Tools.smtpSink()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.addAll(List.of(options));
        command.addAll(List.of("-d", dumps + "/%Y%m%d%H%M%S.", "127.0.0.1:" + port, "10"));
        sink = new ProcessBuilder(command).redirectErrorStream(true).start();
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("smtp-sink did not start: " + new String(sink.getInputStream().readAllBytes()));
    }

    @AfterEach
    void stop() throws Exception {
        mail.close();
        if (sink != null) {
            sink.destroy();
            sink.waitFor();
        }
        dns.close();
    }

    private void send(String to) throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            c.reply();
            c.command("EHLO client.example.test");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<" + to + ">")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: to the sink\r\n\r\n..a dotted line\r\n.")).startsWith("250");
            c.command("QUIT");
        }
    }

    private List<String> awaitDumps(int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dumps)) {
                files = s.sorted().toList();
            }
            List<String> out = new ArrayList<>();
            for (Path f : files) {
                out.add(Files.readString(f));
            }
            // A dump file exists from the first byte; it is whole once the body is in it.
            if (out.size() >= count && out.stream().allMatch(c -> c.contains("dotted line"))) {
                return out;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("smtp-sink got fewer than " + count + " messages; log:\n" + mail.maillog());
    }

    @Test
    void deliversToSmtpSinkWithPipelining() throws Exception {
        startSink();
        mail.start();
        send("bob@remote.test");
        send("carol@remote.test");

        List<String> got = awaitDumps(2);
        assertThat(String.join("\n", got)).contains("X-Rcpt-Args: <bob@remote.test>")
                .contains("X-Rcpt-Args: <carol@remote.test>").contains("X-Helo-Args: mail.example.test")
                .contains("X-Mail-Args: <alice@example.test>").contains("\n.a dotted line");
        assertThat(mail.awaitLog("to=<carol@remote.test>, relay=mx.remote.test[127.0.0.1]:" + port))
                .contains("status=sent (250 2.0.0 Ok)");
    }

    @Test
    void fallsBackToHeloWithASinkThatSpeaksNoEsmtp() throws Exception {
        startSink("-e");
        mail.start();
        send("bob@remote.test");

        assertThat(awaitDumps(1).get(0)).contains("X-Client-Proto: SMTP").contains("X-Helo-Args: mail.example.test");
        mail.awaitLog("status=sent");
    }
}
