package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.bulwark.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anvil's limits over real SMTP, with Postfix's replies and warnings, and two nodes that share one
 * redis-server enforcing one rate limit and one greylist. Clients connect from 127.0.0.2, outside
 * mynetworks (which is exempt).
 */
class ClientLimitsTest {

    private static final String OUTSIDE = "127.0.0.2";

    @TempDir
    Path root;

    private MailSystemFixture a;
    private MailSystemFixture b;

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static String mail(SmtpDialogue smtp) throws Exception {
        smtp.reply();
        smtp.command("EHLO client.example");
        return smtp.command("MAIL FROM:<sender@remote.example>");
    }

    @Test
    void theConnectionCountLimitTurnsAwayTheSecondConcurrentConnection() throws Exception {
        a = new MailSystemFixture(root).set("smtpd_client_connection_count_limit", "1").start();

        try (SmtpDialogue first = new SmtpDialogue(a.port(), OUTSIDE)) {
            assertThat(first.reply()).startsWith("220 ");
            try (SmtpDialogue second = new SmtpDialogue(a.port(), OUTSIDE);
                    SmtpDialogue local = new SmtpDialogue(a.port(), "127.0.0.1")) {
                assertThat(second.reply())
                        .isEqualTo("421 4.7.0 mail.example.test Error: too many connections from 127.0.0.2");
                assertThat(local.reply()).startsWith("220 ");
            }
        }
        a.awaitLog("warning: Connection concurrency limit exceeded: 2 from unknown[127.0.0.2] for service "
                + "127.0.0.1:" + a.port());
    }

    @Test
    void theSeedsRatesWorkAndTheConnectionRateLimitIsReported() throws Exception {
        a = new MailSystemFixture(root).set("anvil_rate_time_unit", "120s")
                .set("smtpd_client_connection_rate_limit", "2").start();

        for (int i = 0; i < 2; i++) {
            try (SmtpDialogue smtp = new SmtpDialogue(a.port(), OUTSIDE)) {
                assertThat(smtp.reply()).startsWith("220 ");
            }
        }
        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), OUTSIDE)) {
            assertThat(smtp.reply()).isEqualTo("421 4.7.0 mail.example.test Error: too many connections from 127.0.0.2");
        }
        a.awaitLog("warning: Connection rate limit exceeded: 3 from unknown[127.0.0.2]");
    }

    @Test
    void messageAndRecipientRatesRefuseWithPostfixsReplies() throws Exception {
        a = new MailSystemFixture(root).set("smtpd_client_message_rate_limit", "1")
                .set("smtpd_client_recipient_rate_limit", "2").start();

        try (SmtpDialogue smtp = new SmtpDialogue(a.port(), OUTSIDE)) {
            assertThat(mail(smtp)).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("RCPT TO:<alice@example.test>"))
                    .isEqualTo("450 4.7.1 Error: too many recipients from 127.0.0.2");
            assertThat(smtp.command("RSET")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<sender@remote.example>"))
                    .isEqualTo("450 4.7.1 Error: too much mail from 127.0.0.2");
        }
        a.awaitLog("warning: Message delivery request rate limit exceeded: 2 from unknown[127.0.0.2]");
        a.awaitLog("warning: Recipient address rate limit exceeded: 3 from unknown[127.0.0.2]");
    }

    @Test
    void twoNodesOnOneRedisEnforceOneRateLimitAndOneGreylist() throws Exception {
        try (RedisServer redis = RedisServer.start(root)) {
            a = node("a", redis).start();
            b = node("b", redis).start();

            try (SmtpDialogue smtp = new SmtpDialogue(a.port(), OUTSIDE)) {
                assertThat(mail(smtp)).isEqualTo("250 2.1.0 Ok");
                assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("450 4.2.0 <alice@example.test>: "
                        + "Recipient address rejected: Greylisted");
            }
            Thread.sleep(3000);
            try (SmtpDialogue smtp = new SmtpDialogue(b.port(), OUTSIDE)) {
                assertThat(mail(smtp)).isEqualTo("250 2.1.0 Ok");
                // node b has never seen this triplet itself: the greylist is shared
                assertThat(smtp.command("RCPT TO:<alice@example.test>")).isEqualTo("250 2.1.5 Ok");
                assertThat(smtp.command("RSET")).startsWith("250");
                // one message on a, one on b: the limit of 2 is shared
                assertThat(smtp.command("MAIL FROM:<sender@remote.example>"))
                        .isEqualTo("450 4.7.1 Error: too much mail from 127.0.0.2");
            }
            try (SmtpDialogue smtp = new SmtpDialogue(a.port(), OUTSIDE)) {
                assertThat(mail(smtp)).isEqualTo("450 4.7.1 Error: too much mail from 127.0.0.2");
            }

            redis.stop();
            try (SmtpDialogue smtp = new SmtpDialogue(a.port(), OUTSIDE)) {
                // Without Redis the limits fail closed: a client they apply to is deferred at once.
                assertThat(smtp.reply()).isEqualTo("421 4.3.0 mail.example.test Error: client limits unavailable, "
                        + "try again later");
            }
            a.awaitLog("warning: anvil_database redis 127.0.0.1:" + redis.port() + "/0 unreachable: ");
            assertThat(a.maillog()).doesNotContain("problem talking");
        }
    }

    private MailSystemFixture node(String name, RedisServer redis) throws Exception {
        return new MailSystemFixture(root.resolve(name))
                .set("anvil_database", redis.uri())
                .set("greylist_database", redis.uri())
                .set("greylist_delay", "2s")
                .set("smtpd_client_message_rate_limit", "2")
                .set("smtpd_recipient_restrictions",
                        "permit_mynetworks, reject_unauth_destination, check_policy_service builtin:greylist");
    }
}
