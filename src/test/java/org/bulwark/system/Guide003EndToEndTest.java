package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guide 003 ("Bulletproof Postfix ... in Norway (2011 Guide)"): its main.cf as written, with
 * Maildir delivery and the "don't be an open relay" rules; the local recipient table is Postfix's
 * default (the machine's accounts and the aliases), the aliases a file of the test's.
 */
class Guide003EndToEndTest {

    @RegisterExtension
    static final GuideZone dns = new GuideZone();

    @TempDir
    Path root;

    private GuideSystem guide;

    @BeforeEach
    void start() throws Exception {
        Path aliases = Files.writeString(root.resolve("aliases"), "postmaster: root\nabuse: alice@example.test\n");
        guide = new GuideSystem(root, dns);
        guide.system.set("local_recipient_maps", null);
        guide.start("guide-003", "alias_maps = hash:" + aliases);
    }

    @AfterEach
    void stop() {
        if (guide != null) {
            guide.close();
        }
    }

    @Test
    void theGuidesLinesLoadWithoutAWarning() throws Exception {
        guide.system.awaitLog("daemon started");
        assertThat(guide.warnings())
                .allMatch(w -> w.matches(".*main\\.cf, line \\d+: overriding earlier entry: (mynetworks|alias_maps)=.*"),
                        "overrides of the test's own lines")
                .hasSize(2);
    }

    @Test
    void onlyTheLocalMachineRelaysWithoutAuthentication() throws Exception {
        assertThat(guide.rcpt("127.0.0.2", "test.com", "spammer@test.com", "victim@yourdomain.no"))
                .isEqualTo("454 4.7.1 <victim@yourdomain.no>: Relay access denied");
        assertThat(guide.rcpt("127.0.0.1", "localhost", "www-data@yourdomain.no", "victim@yourdomain.no"))
                .isEqualTo("250 2.1.5 Ok");
    }

    /** The order the guide warns about: the own network passes before any RBL lookup. */
    @Test
    void listedClientsAreRefusedButTheOwnNetworkIsNeverLookedUp() throws Exception {
        assertThat(guide.rcpt(GuideZone.LISTED_IN_ZEN, "mail.remote.example", "a@remote.example",
                "postmaster@mail.yourdomain.no"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.10] blocked using zen.spamhaus.org;"
                        + " https://www.spamhaus.org/query/ip/127.0.0.10");
        assertThat(guide.rcpt(GuideZone.LISTED_IN_SPAMCOP, "mail.remote.example", "a@remote.example",
                "postmaster@mail.yourdomain.no"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.11] blocked using bl.spamcop.net");
        int queries = dns.server().queryCount();
        assertThat(guide.rcpt("127.0.0.1", "localhost", "root@yourdomain.no", "postmaster@mail.yourdomain.no"))
                .isEqualTo("250 2.1.5 Ok");
        assertThat(dns.server().queryCount()).isEqualTo(queries);
    }

    @Test
    void unknownLocalUsersAreRefusedAndAliasesDelivered() throws Exception {
        assertThat(guide.rcpt("127.0.0.2", "mail.remote.example", "a@remote.example", "nosuchuser@mail.yourdomain.no"))
                .isEqualTo("550 5.1.1 <nosuchuser@mail.yourdomain.no>: Recipient address rejected:"
                        + " User unknown in local recipient table");
        try (SmtpDialogue smtp = new SmtpDialogue(guide.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO mail.remote.example");
            assertThat(smtp.command("MAIL FROM:<a@remote.example>")).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<abuse@mail.yourdomain.no>")).isEqualTo("250 2.1.5 Ok");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: report\r\n\r\nspam from your network\r\n."))
                    .startsWith("250 2.0.0 Ok: queued as ");
        }
        List<Path> delivered = guide.system.awaitDelivered("alice", 1);
        assertThat(Files.readString(delivered.get(0))).contains("spam from your network");
    }
}
