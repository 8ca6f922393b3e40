package org.bulwark.delivery.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ServiceEntry;
import org.bulwark.delivery.TestMessage;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pipe(8) with a real command: its arguments, its standard input, and its exit status read as sysexits(3). */
class PipeDeliveryTest {

    private static final String BODY = "Subject: piped\n\nFrom the start\n.dot\nlast";

    @TempDir
    Path dir;

    private Path script;

    @BeforeEach
    void writeScript() throws Exception {
        // The command runs as nobody when the tests run as root: it must reach and write this directory.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        for (Path p = dir.toAbsolutePath(); p.startsWith(tmp) && !p.equals(tmp); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        script = dir.resolve("command");
        Files.writeString(script, """
                #!/bin/sh
                printf '%%s\\n' "$@" > %1$s/args
                cat > %1$s/stdin
                id -u > %1$s/uid
                [ -f %1$s/sleep ] && sleep 30
                [ -f %1$s/say ] && cat %1$s/say
                exit $(cat %1$s/status 2>/dev/null || echo 0)
                """.formatted(dir));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private PipeDelivery agent(String... attributes) {
        return agent(Map.of(), attributes);
    }

    private PipeDelivery agent(Map<String, String> settings, String... attributes) {
        Map<String, String> values = new HashMap<>(settings);
        values.put("queue_directory", dir.toString());
        values.put("recipient_delimiter", "+");
        List<String> args = new ArrayList<>(List.of(attributes));
        return new PipeDelivery(new ServiceEntry("mypipe", "unix", "-", "n", "n", "-", "-", "pipe", args, Map.of(),
                dir.resolve("master.cf"), 7), Config.of(values));
    }

    @Test
    void runsTheCommandWithItsMacrosAndTheMessageAsFlagsAsk() throws Exception {
        DeliveryReport report = agent("flags=FRD.>", "user=nobody", "argv=" + script, "-f", "${sender}",
                "--", "${user}", "${extension}", "${domain}", "${nexthop}").deliver(
                TestMessage.of("alice@example.test", BODY, "bob+tag@example.test").request("example.test"));

        Outcome outcome = report.outcomes().get(0);
        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.relay()).isEqualTo("mypipe");
        assertThat(outcome.text()).isEqualTo("delivered via mypipe service");
        assertThat(Files.readAllLines(dir.resolve("args")))
                .containsExactly("-f", "alice@example.test", "--", "bob", "tag", "example.test", "example.test");
        String stdin = Files.readString(dir.resolve("stdin"));
        assertThat(stdin).startsWith("From alice@example.test  ")
                .contains("\nReturn-Path: <alice@example.test>\nDelivered-To: bob+tag@example.test\nSubject: piped\n")
                .endsWith("\n\n>From the start\n..dot\nlast\n");
        if (org.bulwark.delivery.Owner.runningAsRoot()) {
            assertThat(Files.readString(dir.resolve("uid")).strip()).isNotEqualTo("0");
        }
    }

    @Test
    void aRecipientMacroBecomesOneArgumentPerRecipient() throws Exception {
        agent("user=nobody", "eol=\\r\\n", "argv=" + script, "${recipient}").deliver(
                TestMessage.of("alice@example.test", BODY, "bob@example.test", "carol@example.test").request("x"));

        assertThat(Files.readAllLines(dir.resolve("args"))).containsExactly("bob@example.test", "carol@example.test");
        assertThat(Files.readString(dir.resolve("stdin"))).startsWith("Subject: piped\r\n\r\n");
    }

    @Test
    void exTempfailDefersAndOtherStatusesBounce() throws Exception {
        PipeDelivery agent = agent("user=nobody", "argv=" + script);
        Files.writeString(dir.resolve("status"), "75");
        Outcome tempfail = agent.deliver(TestMessage.of("a@example.test", BODY, "b@example.test").request("x"))
                .outcomes().get(0);
        Files.writeString(dir.resolve("status"), "67");
        Outcome nouser = agent.deliver(TestMessage.of("a@example.test", BODY, "b@example.test").request("x"))
                .outcomes().get(0);
        Files.writeString(dir.resolve("status"), "1");
        Files.writeString(dir.resolve("say"), "broken\n");
        Outcome other = agent.deliver(TestMessage.of("a@example.test", BODY, "b@example.test").request("x"))
                .outcomes().get(0);

        assertThat(tempfail.status()).isEqualTo(Status.DEFERRED);
        assertThat(tempfail.dsn()).isEqualTo("4.3.0");
        assertThat(tempfail.text()).isEqualTo("temporary failure");
        assertThat(nouser.status()).isEqualTo(Status.BOUNCED);
        assertThat(nouser.dsn()).isEqualTo("5.1.1");
        assertThat(nouser.text()).isEqualTo("user unknown");
        assertThat(other.status()).isEqualTo(Status.BOUNCED);
        assertThat(other.text()).isEqualTo("Command died with status 1: \"" + script + "\". Command output: broken");
    }

    @Test
    void outputWithAStatusCodeDecidesTheResult() throws Exception {
        Files.writeString(dir.resolve("status"), "1");
        Files.writeString(dir.resolve("say"), "4.2.2 mailbox full\n");
        Outcome outcome = agent("user=nobody", "argv=" + script)
                .deliver(TestMessage.of("a@example.test", BODY, "b@example.test").request("x")).outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.2.2");
        assertThat(outcome.text()).isEqualTo("mailbox full");
    }

    @Test
    void aCommandPastItsTimeLimitIsKilledAndBounces() throws Exception {
        Files.writeString(dir.resolve("sleep"), "");
        Outcome outcome = agent(Map.of("mypipe_time_limit", "1s"), "user=nobody", "argv=" + script)
                .deliver(TestMessage.of("a@example.test", BODY, "b@example.test").request("x")).outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.dsn()).isEqualTo("5.3.0");
        assertThat(outcome.text()).startsWith("Command time limit exceeded: \"" + script + "\"");
    }

    @Test
    void aMessageOverSizeBouncesWithoutRunningTheCommand() {
        Outcome outcome = agent("user=nobody", "size=10", "argv=" + script)
                .deliver(TestMessage.of("a@example.test", BODY, "b@example.test").request("x")).outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.dsn()).isEqualTo("5.2.3");
        assertThat(dir.resolve("args")).doesNotExist();
    }

    @Test
    void flagDWithSeveralRecipientsDefers() {
        DeliveryReport report = agent("flags=D", "user=nobody", "argv=" + script).deliver(
                TestMessage.of("a@example.test", BODY, "b@example.test", "c@example.test").request("x"));

        assertThat(report.outcomes()).extracting(Outcome::status).containsOnly(Status.DEFERRED);
        assertThat(report.outcomes().get(0).text()).contains("mypipe_destination_recipient_limit = 1");
    }

    @Test
    void aBadServiceLineIsRefusedWithItsLine() {
        assertThatThrownBy(() -> agent("argv=" + script)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("master.cf").hasMessageContaining("7").hasMessageContaining("without user=");
        assertThatThrownBy(() -> agent("user=root", "argv=" + script)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("never runs as root");
        assertThatThrownBy(() -> agent("user=nobody", "argv=" + script, "${client_address}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("${client_address}");
        assertThatThrownBy(() -> agent("user=nobody", "flags=Z", "argv=" + script))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown pipe flag");
    }

    /** Debian's stock master.cf has maildrop with user=vmail whether or not vmail exists: it loads, and defers. */
    @Test
    void anAccountThatDoesNotExistLoadsAndDefersWithoutRunningTheCommand() throws Exception {
        Path ran = script.resolveSibling("ran");
        Files.writeString(script, "#!/bin/sh\ntouch " + ran + "\n");
        Outcome outcome = agent("flags=DRhu", "user=no-such-account-here", "argv=" + script, "-d", "${recipient}")
                .deliver(TestMessage.of("a@example.test", BODY, "b@example.test").request("x")).outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).contains("user=no-such-account-here: no such account");
        assertThat(ran).doesNotExist();
    }
}
