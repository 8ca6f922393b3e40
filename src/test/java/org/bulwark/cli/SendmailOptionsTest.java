package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendmailOptionsTest {

    @Test
    void readsSenderFullNameAndRecipients() {
        var r = SendmailCommand.parse(List.of("-f", "alice@example.test", "-F", "Alice", "-oi", "bob@example.test"));
        assertThat(r.sender()).isEqualTo("alice@example.test");
        assertThat(r.fullName()).isEqualTo("Alice");
        assertThat(r.ignoreDots()).isTrue();
        assertThat(r.recipients()).containsExactly("bob@example.test");
    }

    @Test
    void acceptsAnAttachedSenderAndIgnoresOtherOOptions() {
        var r = SendmailCommand.parse(List.of("-falice", "-odb", "-oem", "-t"));
        assertThat(r.sender()).isEqualTo("alice");
        assertThat(r.extract()).isTrue();
        assertThat(r.recipients()).isEmpty();
    }

    @Test
    void treatsEverythingAfterDoubleDashAsRecipients() {
        var r = SendmailCommand.parse(List.of("--", "-odd@example.test"));
        assertThat(r.recipients()).containsExactly("-odd@example.test");
    }

    @Test
    void bpMeansListTheQueue() {
        assertThat(SendmailCommand.parse(List.of("-bp")).listQueue()).isTrue();
    }

    @Test
    void bsMeansAnSmtpDialogueAndBmTheDefaultMode() {
        assertThat(SendmailCommand.parse(List.of("-bs")).smtpDialogue()).isTrue();
        assertThat(SendmailCommand.parse(List.of("-bs", "-bm")).smtpDialogue()).isFalse();
    }

    @Test
    void rejectsAnUnknownOption() {
        assertThatThrownBy(() -> SendmailCommand.parse(List.of("-Z"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SendmailCommand.parse(List.of("-f"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void receivesSendmailStyleArgumentsThroughTheCommandLineInOrder() {
        var parsed = Bulwark.commandLine().parseArgs("sendmail", "-c", "/nonexistent", "-oi", "-f", "a@example.test",
                "-bm", "--", "-odd@example.test");
        SendmailCommand command = (SendmailCommand) parsed.subcommand().commandSpec().userObject();
        var r = SendmailCommand.parse(command.arguments);
        assertThat(r.sender()).isEqualTo("a@example.test");
        assertThat(r.ignoreDots()).isTrue();
        assertThat(r.recipients()).containsExactly("-odd@example.test");
    }

    private static String copy(String input, boolean ignoreDots) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MaildropWriter.copyInput(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, ignoreDots);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLoneDotEndsTheInputWithoutDashI() throws IOException {
        assertThat(copy("a\n.\nb\n", false)).isEqualTo("a\n");
        assertThat(copy("a\r\n.\r\nb\r\n", false)).isEqualTo("a\r\n");
    }

    @Test
    void aLoneDotIsContentWithDashI() throws IOException {
        assertThat(copy("a\n.\nb\n", true)).isEqualTo("a\n.\nb\n");
    }

    @Test
    void linesThatOnlyStartWithADotAreContent() throws IOException {
        assertThat(copy("..\n.x\n.\n", false)).isEqualTo("..\n.x\n");
    }

    @Test
    void endsAnUnterminatedLastLine() throws IOException {
        assertThat(copy("a\nb", false)).isEqualTo("a\nb\n");
    }
}
