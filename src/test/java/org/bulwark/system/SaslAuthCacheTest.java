package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.bulwark.config.ConfigException;
import org.bulwark.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smtp_sasl_auth_cache_name end to end: a relayhost (a scripted server) refuses the login with 535;
 * the next message does not try it again but is deferred with Postfix's "SASL [CACHED]" text, also
 * after a restart (the cache is a file under data_directory); a new password is tried at once.
 */
class SaslAuthCacheTest {

    private static final String REFUSAL = "535 5.7.8 Error: authentication failed: authentication failure";

    @TempDir
    Path dir;
    private MailSystemFixture node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private void password(FakeSmtpServer relay, String password) throws Exception {
        Path passwd = node.conf.resolve("sasl_passwd");
        Files.writeString(passwd, "[127.0.0.1]:" + relay.port() + " relay-user:" + password + "\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-------"));
    }

    /** Submits a message and returns its queue ID. */
    private String send(String subject) throws Exception {
        String reply = SmtpDialogue.send(node.port(), "127.0.0.1", "client.example.test", "alice@example.test",
                "carol@far.test", "Subject: " + subject + "\n\nhello\n");
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        return reply.substring("250 2.0.0 Ok: queued as ".length()).strip();
    }

    /** The delivery log line of one message. */
    private String delivery(String id) throws Exception {
        String prefix = id + ": to=<carol@far.test>";
        return node.awaitLog(prefix).lines().filter(l -> l.contains(prefix)).findFirst().orElseThrow();
    }

    private static long logins(FakeSmtpServer relay) {
        return relay.commands().stream().filter(c -> c.startsWith("AUTH ")).count();
    }

    @Test
    void aRefusedLoginIsNotTriedAgainUntilThePasswordChanges() throws Exception {
        String right = "AUTH PLAIN " + b64("\0relay-user\0s3cret");
        try (FakeSmtpServer relay = FakeSmtpServer.start(FakeSmtpServer.options()
                .extensions("PIPELINING", "ENHANCEDSTATUSCODES", "AUTH PLAIN")
                .auth(line -> line.equals(right) ? "235 2.7.0 Authentication successful" : REFUSAL))) {
            node = new MailSystemFixture(dir.resolve("node"));
            password(relay, "wrong");
            node.set("relayhost", "[127.0.0.1]:" + relay.port())
                    .set("smtp_sasl_auth_enable", "yes")
                    .set("smtp_sasl_security_options", "noanonymous")
                    .set("smtp_sasl_password_maps", "texthash:" + node.conf.resolve("sasl_passwd"))
                    .set("smtp_sasl_auth_cache_name", "proxy:btree:$data_directory/sasl_auth_cache")
                    .start();

            assertThat(delivery(send("first"))).contains("relay=127.0.0.1[127.0.0.1]:" + relay.port(),
                    "dsn=4.7.8, status=deferred (SASL authentication failed; server 127.0.0.1[127.0.0.1] said: "
                    + REFUSAL + ")");
            assertThat(logins(relay)).isEqualTo(1);

            assertThat(delivery(send("second"))).contains(
                    "dsn=4.7.8, status=deferred (SASL [CACHED] authentication failed; server 127.0.0.1 said: " + REFUSAL + ")");
            assertThat(logins(relay)).isEqualTo(1);
            assertThat(node.var.resolve("lib/sasl_auth_cache")).exists();

            // The cache is a file: after a restart the same login is still not tried.
            node.stop();
            node.start();
            assertThat(delivery(send("third"))).contains("status=deferred (SASL [CACHED] authentication failed");
            assertThat(logins(relay)).isEqualTo(1);

            // Another password is another login: tried at once, and the mail goes.
            node.stop();
            password(relay, "s3cret");
            node.start();
            assertThat(delivery(send("fourth"))).contains("status=sent (250 2.0.0 Ok: queued as FAKE)");
            assertThat(relay.commands()).contains(right);
            assertThat(relay.messages()).anyMatch(m -> m.content().contains("Subject: fourth"));
        }
    }

    @Test
    void aNameThatIsNotOneFileMapStopsTheStart() throws Exception {
        node = new MailSystemFixture(dir.resolve("node"));
        Path passwd = node.conf.resolve("sasl_passwd");
        Files.writeString(passwd, "[127.0.0.1]:25 relay-user:s3cret\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-------"));
        node.set("relayhost", "[127.0.0.1]:25")
                .set("smtp_sasl_auth_enable", "yes")
                .set("smtp_sasl_password_maps", "texthash:" + passwd)
                .set("smtp_sasl_auth_cache_name", "proxy:mysql:/etc/postfix/sasl_cache.cf");
        assertThatThrownBy(node::start).isInstanceOf(ConfigException.class)
                .hasMessageMatching(".*main\\.cf, line \\d+: smtp_sasl_auth_cache_name = proxy:mysql:/etc/postfix/sasl_cache\\.cf:"
                        + " Bulwark keeps the SASL authentication failure cache in a file.*");
    }
}
