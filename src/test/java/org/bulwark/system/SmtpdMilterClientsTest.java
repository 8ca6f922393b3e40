package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bulwark.testing.ScriptedMilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What smtpd tells its milters about the client and its refused recipients, through a running
 * server and a real libmilter milter: SMFIP_RCPT_REJ, smtpd_milter_maps, milter_macro_defaults,
 * XCLIENT and the PROXY protocol.
 */
class SmtpdMilterClientsTest {

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

    private MailSystemFixture system(String script) throws Exception {
        milter = ScriptedMilter.start(root.resolve("milter"), script);
        system = new MailSystemFixture(root.resolve("system")).set("smtpd_milters", "unix:" + milter.socket());
        return system;
    }

    private static String relayRefusedThenLocal(SmtpDialogue smtp) throws Exception {
        assertThat(smtp.reply()).startsWith("220 ");
        smtp.command("EHLO remote.example");
        assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).startsWith("250 ");
        String refused = smtp.command("RCPT TO:<bob@elsewhere.example>");
        assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
        smtp.command("QUIT");
        return refused;
    }

    @Test
    void aMilterThatAsksSeesRecipientsTheRestrictionsRefusedWithTheErrorMailerMacros() throws Exception {
        system("{\"rcpt_rej\": true}").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            assertThat(relayRefusedThenLocal(smtp)).startsWith("554 5.7.1 <bob@elsewhere.example>: Relay access denied");
        }
        milter.awaitStage("close");
        List<String> rcpts = milter.events().stream().filter(e -> e.contains("\"stage\": \"envrcpt\"")).toList();
        assertThat(rcpts).hasSize(2);
        assertThat(rcpts.get(0)).contains("<bob@elsewhere.example>").contains("\"{rcpt_mailer}\": \"error\"")
                .contains("\"{rcpt_host}\": \"5.7.1\"").contains("\"{rcpt_addr}\": \"Relay access denied\"");
        assertThat(rcpts.get(1)).contains("<alice@example.test>").doesNotContain("\"error\"");
    }

    @Test
    void aMilterThatDoesNotAskSeesOnlyTheAcceptedRecipients() throws Exception {
        system("{}").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            relayRefusedThenLocal(smtp);
        }
        milter.awaitStage("close");
        List<String> rcpts = milter.events().stream().filter(e -> e.contains("\"stage\": \"envrcpt\"")).toList();
        assertThat(rcpts).singleElement().asString().contains("<alice@example.test>");
    }

    private List<String> stage(ScriptedMilter m, String stage) throws Exception {
        return m.events().stream().filter(e -> e.contains("\"stage\": \"" + stage + "\"")).toList();
    }

    @Test
    void smtpdMilterMapsChoosesTheMiltersByClientAddressAndDisableTurnsThemOff() throws Exception {
        try (ScriptedMilter other = ScriptedMilter.start(root.resolve("other"), "{}")) {
            java.nio.file.Files.writeString(root.resolve("milter_maps"), """
                    127.0.0.3/32 DISABLE
                    127.0.0.4/32 unix:%s
                    """.formatted(other.socket()));
            system("{}").set("smtpd_milter_maps", "cidr:" + root.resolve("milter_maps")).start();
            for (String client : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
                assertThat(SmtpDialogue.send(system.port(), client, "remote.example", "sender@remote.example",
                        "alice@example.test", "Subject: from " + client + "\n\nbody\n")).startsWith("250 2.0.0 Ok");
            }
            system.awaitDelivered("alice", 3);
            milter.awaitStage("close");
            other.awaitStage("close");
            assertThat(stage(milter, "connect")).singleElement().asString().contains("127.0.0.2");
            assertThat(stage(other, "connect")).singleElement().asString().contains("127.0.0.4");
        }
    }

    @Test
    void aMalformedMilterListInTheMapRefusesThatClientInsteadOfLettingItPassUnfiltered() throws Exception {
        java.nio.file.Files.writeString(root.resolve("milter_maps"), "127.0.0.3/32 { unix:/nowhere, bogus=1 }\n");
        system("{}").set("smtpd_milter_maps", "cidr:" + root.resolve("milter_maps")).start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.3")) {
            assertThat(smtp.reply()).startsWith("421 4.3.0 ");
        }
        system.awaitLog("warning: smtpd_milter_maps: bad milter list for unknown[127.0.0.3]");
        assertThat(SmtpDialogue.send(system.port(), "127.0.0.2", "remote.example", "sender@remote.example",
                "alice@example.test", "Subject: x\n\nbody\n")).startsWith("250 2.0.0 Ok");
    }

    @Test
    void milterMacroDefaultsFillMacrosTheSessionHasNoValueFor() throws Exception {
        system("{}").set("milter_macro_defaults", "{auth_type}=none, { auth_authen = nobody }, j=ignored").start();
        assertThat(SmtpDialogue.send(system.port(), "127.0.0.2", "remote.example", "sender@remote.example",
                "alice@example.test", "Subject: x\n\nbody\n")).startsWith("250 2.0.0 Ok");
        milter.awaitStage("close");
        assertThat(stage(milter, "envfrom")).singleElement().asString().contains("\"{auth_type}\": \"none\"")
                .contains("\"{auth_authen}\": \"nobody\"").contains("\"j\": \"mail.example.test\"");
    }

    @Test
    void afterXclientTheMiltersEndTheOldClientAndAreToldOfTheNewOne() throws Exception {
        system("{}").set("smtpd_authorized_xclient_hosts", "127.0.0.0/8")
                .set("milter_connect_macros", "j {client_addr} {client_port} {client_name}").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            assertThat(smtp.reply()).startsWith("220 ");
            smtp.command("EHLO proxy.example");
            assertThat(smtp.command("XCLIENT NAME=client.example ADDR=192.0.2.7 PORT=4242")).startsWith("220 ");
            // The old client's milter session is closed while the SMTP session goes on. (The milter
            // may record the new session's connect before that close: they come on two sockets.)
            assertThat(milter.awaitStage("close")).filteredOn(e -> e.contains("\"stage\": \"close\"")).hasSize(1);
            assertThat(smtp.command("EHLO client.example")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).startsWith("250 ");
            smtp.command("QUIT");
        }
        system.awaitLog("disconnect from");
        List<String> connects = stage(milter, "connect");
        assertThat(connects).hasSize(2);
        assertThat(connects.get(0)).contains("127.0.0.2");
        assertThat(connects.get(1)).contains("client.example").contains("192.0.2.7")
                .contains("\"{client_addr}\": \"192.0.2.7\"").contains("\"{client_port}\": \"4242\"");
        // HELO came again only when given.
        assertThat(stage(milter, "hello")).hasSize(2).last().asString().contains("client.example");
        assertThat(stage(milter, "envfrom")).singleElement().asString().contains("\"{client_addr}\": \"192.0.2.7\"");
    }

    @Test
    void theDaemonAddressIsTheOneTheListenerIsBoundTo() throws Exception {
        system("{}").set("milter_connect_macros", "j {client_addr} {daemon_addr} {daemon_port}").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            assertThat(smtp.reply()).startsWith("220 ");
            smtp.command("QUIT");
        }
        milter.awaitStage("close");
        assertThat(stage(milter, "connect")).singleElement().asString()
                .contains("\"{client_addr}\": \"127.0.0.2\"").contains("\"{daemon_addr}\": \"127.0.0.1\"")
                .contains("\"{daemon_port}\": \"" + system.port() + "\"");
    }

    @Test
    void behindTheProxyProtocolTheMacrosCarryTheProxiedClientAndServer() throws Exception {
        system("{}").set("smtpd_upstream_proxy_protocol", "haproxy")
                .set("milter_connect_macros", "j {client_addr} {client_port} {daemon_addr} {daemon_port}").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.send("PROXY TCP4 192.0.2.9 198.51.100.25 40123 2525\r\n");
            assertThat(smtp.reply()).startsWith("220 ");
            smtp.command("EHLO client.example");
            smtp.command("QUIT");
        }
        milter.awaitStage("close");
        assertThat(stage(milter, "connect")).singleElement().asString().contains("192.0.2.9")
                .contains("\"{client_addr}\": \"192.0.2.9\"").contains("\"{client_port}\": \"40123\"")
                .contains("\"{daemon_addr}\": \"198.51.100.25\"").contains("\"{daemon_port}\": \"2525\"");
    }
}
