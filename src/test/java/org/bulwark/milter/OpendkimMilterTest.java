package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenDKIM from Debian's package, signing as a milter: the signature it inserts, applied to the
 * message as cleanup will apply it, verifies with dkimpy.
 */
class OpendkimMilterTest {

    @TempDir
    Path dir;

    @Test
    void opendkimSignsAndDkimpyVerifies() throws Exception {
        Process genkey = new ProcessBuilder(Peers.opendkimGenkey(), "-D", dir.toString(), "-d", "example.org",
                "-s", "test").redirectErrorStream(true).start();
        assertThat(genkey.waitFor()).isZero();
        int port = FreePorts.next();
        Path conf = dir.resolve("opendkim.conf");
        Files.writeString(conf, String.join("\n",
                "Mode sv",
                "Domain example.org",
                "Selector test",
                "KeyFile " + dir.resolve("test.private"),
                "Socket inet:" + port + "@127.0.0.1",
                "Canonicalization relaxed/relaxed",
                "Syslog no",
                "PidFile " + dir.resolve("opendkim.pid"),
                // The test directory sits under /tmp, which opendkim would otherwise refuse.
                "RequireSafeKeys no", ""));
        Process opendkim = new ProcessBuilder(Peers.opendkim(), "-f", "-x", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("opendkim.log").toFile()).start();
        try {
            awaitPort(port, opendkim);
            List<MessageContent.Header> headers = new ArrayList<>(List.of(
                    new MessageContent.Header("From", " Alice <alice@example.org>"),
                    new MessageContent.Header("To", " bob@example.net"),
                    new MessageContent.Header("Subject", " A signed\r\n message"),
                    new MessageContent.Header("Date", " Mon, 07 Dec 2026 03:00:00 +0000"),
                    new MessageContent.Header("Message-ID", " <1@example.org>")));
            byte[] body = "Hello Bob,\r\n\r\nthis is signed.\r\n".getBytes(StandardCharsets.US_ASCII);
            MilterFixture f = new MilterFixture();
            MessageResult result;
            try (MilterSession session = MilterFixture.milters("inet:127.0.0.1:" + port).open(f.log)) {
                assertThat(session.connect(new MilterFacts.Client("localhost", "localhost", "127.0.0.1", 40000,
                        "127.0.0.1", 25))).isEqualTo(MilterReply.CONTINUE);
                assertThat(session.helo("localhost", null)).isEqualTo(MilterReply.CONTINUE);
                session.mail(MilterFacts.Address.of("alice@example.org"), List.of(), null);
                session.rcpt(MilterFacts.Address.of("bob@example.net"), List.of());
                session.data("4ABCDEF123");
                result = session.message(new MessageContent(headers, () -> new ByteArrayInputStream(body)));
            }
            assertThat(result.reply()).isEqualTo(MilterReply.CONTINUE);
            assertThat(result.edits()).hasSize(1);
            List<MessageContent.Header> signed = new ArrayList<>(headers);
            for (MessageEdit edit : result.edits()) {
                switch (edit) {
                    case MessageEdit.InsertHeader(int position, String name, String value) ->
                            signed.add(Math.min(position, signed.size()), new MessageContent.Header(name, value));
                    case MessageEdit.AddHeader(String name, String value) ->
                            signed.add(new MessageContent.Header(name, value));
                    default -> throw new AssertionError("unexpected edit " + edit);
                }
            }
            assertThat(signed).anyMatch(h -> h.name().equals("DKIM-Signature") && h.value().contains("d=example.org"));
            StringBuilder message = new StringBuilder();
            for (MessageContent.Header h : signed) {
                message.append(h.name()).append(':').append(h.value()).append("\r\n");
            }
            message.append("\r\n").append(new String(body, StandardCharsets.US_ASCII));
            Path file = dir.resolve("signed.eml");
            Files.writeString(file, message.toString());
            assertThat(verify(file, dir.resolve("test.txt"))).isEqualTo("verified");
            Files.writeString(file, message.toString().replace("this is signed", "this is forged"));
            assertThat(verify(file, dir.resolve("test.txt"))).isEqualTo("failed");
        } finally {
            opendkim.destroyForcibly();
            opendkim.waitFor();
        }
    }

    /** dkimpy's verdict on a message, the key's TXT record served from the genkey output. */
    private static String verify(Path message, Path txt) throws IOException, InterruptedException {
        String script = """
                import re, sys, dkim
                txt = ''.join(re.findall(r'"([^"]*)"', open(sys.argv[2]).read())).encode()
                msg = open(sys.argv[1], 'rb').read()
                ok = dkim.verify(msg, dnsfunc=lambda name, timeout=5: txt if name == b'test._domainkey.example.org.' else None)
                print('verified' if ok else 'failed')
                """;
        Process p = new ProcessBuilder(Peers.python3(), "-c", script, message.toString(), txt.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        if (out.contains("No module named 'dkim'")) {
            throw new AssertionError("python3-dkim is needed by this test; run: apt-get install python3-dkim");
        }
        return out;
    }

    private static void awaitPort(int port, Process process) throws Exception {
        for (int i = 0; i < 300 && process.isAlive(); i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("opendkim did not start");
    }
}
