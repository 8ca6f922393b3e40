package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark sendmail -bs}: an SMTP dialogue on the command's standard input and output,
 * with a real process and pipes; accepted mail goes through maildrop and pickup to the Maildir.
 */
class SendmailSmtpTest {

    @TempDir
    Path root;

    private MailSystemFixture system;
    private Process process;

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
        if (system != null) {
            system.close();
        }
    }

    /** {@code bulwark -c conf sendmail -bs} as a child process. */
    private Process sendmailBs() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.bulwark.cli.Bulwark");
        command.add("-c");
        command.add(system.conf.toString());
        command.add("sendmail");
        command.add("-bs");
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("err").toFile()))
                .start();
    }

    /** Reads one reply (all its lines joined by "\n"). */
    private static String reply(BufferedReader in) throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            reply.append(reply.isEmpty() ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        return reply.toString();
    }

    private static String command(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply(in);
    }

    @Test
    void aDialogueOnStandardInputDeliversEachAcceptedMessage() throws Exception {
        system = new MailSystemFixture(root).start();
        process = sendmailBs();
        OutputStream out = process.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));

        assertThat(reply(in)).isEqualTo("220 mail.example.test ESMTP Bulwark");
        assertThat(command(out, in, "EHLO client")).startsWith("250-mail.example.test").contains("250-PIPELINING");
        assertThat(command(out, in, "MAIL FROM:<root@example.test>")).isEqualTo("250 2.1.0 Ok");
        assertThat(command(out, in, "RCPT TO:<alice@example.test>")).isEqualTo("250 2.1.5 Ok");
        assertThat(command(out, in, "DATA")).startsWith("354 ");
        String queued = command(out, in, "Subject: over -bs\r\n\r\n..a stuffed line\r\nbody\r\n.");
        assertThat(queued).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{15}");
        assertThat(command(out, in, "RCPT TO:<bob@example.test>")).as("the transaction ended").isEqualTo(
                "503 5.5.1 Error: need MAIL command");
        assertThat(command(out, in, "MAIL FROM:<>")).isEqualTo("250 2.1.0 Ok");
        assertThat(command(out, in, "RCPT TO:<bob@example.test>")).isEqualTo("250 2.1.5 Ok");
        assertThat(command(out, in, "DATA")).startsWith("354 ");
        assertThat(command(out, in, "Subject: second\r\n\r\nagain\r\n.")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(command(out, in, "QUIT")).isEqualTo("221 2.0.0 Bye");
        assertThat(process.waitFor()).isZero();

        String first = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(first).contains("Subject: over -bs").contains("\n.a stuffed line\n").contains("Return-Path: <root@example.test>");
        String second = Files.readString(system.awaitDelivered("bob", 1).get(0));
        assertThat(second).contains("Subject: second").contains("Return-Path: <>");
        assertThat(system.maillog()).contains("from=<root@example.test>");
    }

    @Test
    void aScriptWithBareLineFeedsWorksAndErrorsAreAnswered() throws Exception {
        system = new MailSystemFixture(root).start();
        process = sendmailBs();
        try (OutputStream out = process.getOutputStream()) {
            out.write(("HELO script\nRCPT TO:<alice@example.test>\nMAIL FROM:<root@example.test>\nFOO\n"
                    + "DATA\nRCPT TO:<alice@example.test>\nDATA\nSubject: scripted\n\nline\n.\nQUIT\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();

        assertThat(output.split("\r\n")).containsExactly(
                "220 mail.example.test ESMTP Bulwark",
                "250 mail.example.test",
                "503 5.5.1 Error: need MAIL command",
                "250 2.1.0 Ok",
                "502 5.5.2 Error: command not recognized",
                "554 5.5.1 Error: no valid recipients",
                "250 2.1.5 Ok",
                "354 End data with <CR><LF>.<CR><LF>",
                output.split("\r\n")[8],
                "221 2.0.0 Bye");
        assertThat(output.split("\r\n")[8]).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(Files.readString(system.awaitDelivered("alice", 1).get(0))).contains("Subject: scripted");
    }
}
