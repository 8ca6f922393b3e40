package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.bulwark.master.Master;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The five guides' restriction blocks, loaded as written (their main.cf first, then only the lines
 * a test needs: its directories, port, the test DNS server, and {@code mynetworks = 127.0.0.1/32}
 * so that 127.0.0.2 and up play clients from outside), over real SMTP against a DNS zone in which
 * 127.0.0.2 is listed in zen.spamhaus.org (RFC 5782 §5's test entry).
 */
class GuideRestrictionsTest {

    /**
     * Besides the shared names: 127.0.0.2 listed in zen.spamhaus.org (RFC 5782 §5's test entry)
     * and with 127.0.0.6 in bl.spamcop.net, lookups that fail (SERVFAIL) or time out, and a sender
     * domain with only an A record.
     */
    @RegisterExtension
    static final GuideZone dns = new GuideZone(zone -> zone
            .addA("2.0.0.127.zen.spamhaus.org", "127.0.0.2")
            .addTxt("2.0.0.127.zen.spamhaus.org", "https://www.spamhaus.org/query/ip/127.0.0.2")
            .addA("2.0.0.127.bl.spamcop.net", "127.0.0.2")
            .addA("6.0.0.127.bl.spamcop.net", "127.0.0.2")
            .servfail("4.0.0.127.zen.spamhaus.org")
            .silence("5.0.0.127.zen.spamhaus.org")
            .addA("other.example", "192.0.2.26")
            .servfail("broken.example")
            .silence("slow.example"));

    @TempDir
    Path root;

    private MailSystemFixture system;
    private Master master;

    @AfterEach
    void stop() {
        if (master != null) {
            master.close();
        }
    }

    /** The guide's main.cf as written, then the test's own lines (later lines win, as in Postfix). */
    private void start(String guide, String... extraLines) throws IOException {
        system = new MailSystemFixture(root)
                .set("dns_servers", dns.address())
                .set("dns_timeout", "1s")
                .set("dns_attempts", "1")
                .set("smtpd_relay_restrictions", null)
                .set("mydestination", null);
        system.writeConfig();
        GuideSystem.writeMainCf(system, guide, extraLines);
        master = Master.start(system.conf);
    }

    private String rcpt(String from, String helo, String sender, String recipient) throws Exception {
        return SmtpDialogue.rcpt(system.port(), from, helo, sender, recipient);
    }

    /** The guides 000 to 003 share the recipient list: mynetworks, SASL, relay check, then the rejects. */
    @ParameterizedTest
    @ValueSource(strings = {"guide-000", "guide-001", "guide-002", "guide-003"})
    void refusesAClientListedInZen(String guide) throws Exception {
        start(guide);

        assertThat(rcpt("127.0.0.2", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using zen.spamhaus.org;"
                        + " https://www.spamhaus.org/query/ip/127.0.0.2");
        assertThat(rcpt("127.0.0.6", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("554 5.7.1 Service unavailable; Client host [127.0.0.6] blocked using bl.spamcop.net");
        assertThat(rcpt("127.0.0.3", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("250 2.1.5 Ok");
        String log = system.awaitLog("blocked using bl.spamcop.net");
        assertThat(log).contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 Service unavailable;"
                + " Client host [127.0.0.2] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/127.0.0.2;"
                + " from=<a@remote.example> to=<alice@example.test> proto=ESMTP helo=<mail.remote.example>");
        assertThat(bannedHosts()).containsExactly("127.0.0.2", "127.0.0.6");
    }

    @ParameterizedTest
    @ValueSource(strings = {"guide-000", "guide-001", "guide-002"})
    void refusesANonFqdnHeloAndASenderDomainWithoutAOrMx(String guide) throws Exception {
        start(guide);

        assertThat(rcpt("127.0.0.3", "blarghhh", "a@remote.example", "alice@example.test"))
                .isEqualTo("504 5.5.2 <blarghhh>: Helo command rejected: need fully-qualified hostname");
        assertThat(rcpt("127.0.0.3", "mail.remote.example", "a@nowhere.example", "alice@example.test"))
                .isEqualTo("450 4.1.8 <a@nowhere.example>: Sender address rejected: Domain not found");
        assertThat(rcpt("127.0.0.3", "mail.remote.example", "a@other.example", "alice@example.test"))
                .isEqualTo("250 2.1.5 Ok");
        system.awaitLog("Domain not found");
        assertThat(bannedHosts()).containsExactly("127.0.0.3", "127.0.0.3");
    }

    /**
     * The guides' order warning: permit_mynetworks comes before the rejects, so the own network
     * relays. Others hear smtpd_relay_restrictions first, whose Postfix 2.10+ default ends in
     * defer_unauth_destination: 454, as Postfix answers with these guides today.
     */
    @ParameterizedTest
    @ValueSource(strings = {"guide-000", "guide-001", "guide-002", "guide-003"})
    void letsTheOwnNetworkPassBeforeTheRejects(String guide) throws Exception {
        start(guide);

        assertThat(rcpt("127.0.0.1", "blarghhh", "a@nowhere.example", "someone@elsewhere.example"))
                .isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt("127.0.0.3", "mail.remote.example", "a@remote.example", "someone@elsewhere.example"))
                .isEqualTo("454 4.7.1 <someone@elsewhere.example>: Relay access denied");
    }

    /** DNS failures: SERVFAIL, a timeout and NXDOMAIN each defer; none is a 5xx nor a pass. */
    @Test
    void dnsFailuresDeferAndNeverRefuseForGood() throws Exception {
        start("guide-002");

        assertThat(rcpt("127.0.0.3", "mail.remote.example", "a@broken.example", "alice@example.test"))
                .isEqualTo("450 4.1.8 <a@broken.example>: Sender address rejected: Domain not found");
        assertThat(rcpt("127.0.0.3", "mail.remote.example", "a@slow.example", "alice@example.test"))
                .isEqualTo("450 4.1.8 <a@slow.example>: Sender address rejected: Domain not found");
        assertThat(rcpt("127.0.0.4", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("450 4.7.1 Service unavailable; Client host [127.0.0.4] not checked: DNS lookup in"
                        + " zen.spamhaus.org failed temporarily");
        assertThat(rcpt("127.0.0.5", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("450 4.7.1 Service unavailable; Client host [127.0.0.5] not checked: DNS lookup in"
                        + " zen.spamhaus.org failed temporarily");
    }

    /** Guide 004 names a pcre file the machine does not have: Bulwark refuses to start, saying which. */
    @Test
    void guide004RefusesToStartWithoutItsLoginMapsFile() {
        assertThatThrownBy(() -> start("guide-004"))
                .isInstanceOf(ConfigException.class)
                .hasMessageMatching(".*/main\\.cf, line \\d+: /etc/postfix/login_maps\\.pcre: table file not found"
                        + " \\(for \"pcre:/etc/postfix/login_maps\\.pcre\"\\)");
    }

    /**
     * Guide 004: unknown client names, unknown or non-FQDN HELO names and unknown senders are
     * refused; what passes meets the guide's postgrey (a real one, on the guide's socket).
     */
    @Test
    void guide004ChecksClientHeloAndSender() throws Exception {
        Path loginMaps = Files.writeString(root.resolve("login_maps.pcre"), "/^(.*)@example\\.test$/ ${1}\n");
        Path socket = root.resolve("var/spool/postgrey/socket");
        try (var postgrey = org.bulwark.testing.Postgrey.startUnix(root.resolve("postgrey"), socket, 300)) {
            start("guide-004", "smtpd_sender_login_maps = pcre:" + loginMaps);
            guide004Probes();
        }
    }

    private void guide004Probes() throws Exception {

        assertThat(rcpt("127.0.0.3", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("450 4.7.1 Client host rejected: cannot find your hostname, [127.0.0.3]");
        assertThat(rcpt("127.0.0.1", "blarghhh", "a@remote.example", "alice@example.test"))
                .isEqualTo("450 4.7.1 <blarghhh>: Helo command rejected: Host not found");
        assertThat(rcpt("127.0.0.1", "mail.remote.example", "a@nowhere.example", "alice@example.test"))
                .isEqualTo("450 4.1.8 <a@nowhere.example>: Sender address rejected: Domain not found");
        assertThat(rcpt("127.0.0.1", "mail.remote.example", "alice@example.test", "bob@example.test"))
                .isEqualTo("553 5.7.1 <alice@example.test>: Sender address rejected: not logged in");
        assertThat(rcpt("127.0.0.1", "mail.remote.example", "a@remote.example", "alice@example.test"))
                .isEqualTo("450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted, see "
                        + "http://postgrey.schweikert.ch/help/example.test.html");
    }

    /** The addresses fail2ban's stock {@code postfix} jail bans on in the system's maillog. */
    private java.util.List<String> bannedHosts() throws Exception {
        return Tools.fail2banMatches(system.var.resolve("log/maillog"), Tools.POSTFIX_FILTER);
    }
}
