package org.bulwark.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.Vocabulary;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How restriction lists are read: errors the operator must fix, and warnings. */
class ConfigurationTest {

    @TempDir
    Path directory;

    private static Map<String, String> base() {
        Map<String, String> values = new HashMap<>();
        values.put("mydestination", "example.com");
        values.put("mynetworks", "127.0.0.0/8");
        values.put("local_recipient_maps", "");
        values.put("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination");
        return values;
    }

    private SmtpdRestrictions build(Map<String, String> values) {
        Config config = Config.of(values);
        return new SmtpdRestrictions(config, TestEnvironment.of(config, directory), null);
    }

    @Test
    void refusesAnUnknownRestrictionNamingItsParameter() {
        Map<String, String> values = base();
        values.put("smtpd_recipient_restrictions", "permit_mynetworks, foo");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessage("unknown restriction \"foo\" in smtpd_recipient_restrictions");
    }

    @Test
    void refusesListsWithoutAnyRelayCheck() {
        Map<String, String> values = base();
        values.put("smtpd_relay_restrictions", "permit_mynetworks");
        values.put("smtpd_recipient_restrictions", "permit_sasl_authenticated, permit");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtpd_relay_restrictions or smtpd_recipient_restrictions")
                .hasMessageContaining("reject_unauth_destination");
    }

    @Test
    void acceptsARelayCheckInTheRecipientListAlone() {
        Map<String, String> values = base();
        values.put("smtpd_relay_restrictions", "");
        values.put("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination");

        assertThat(build(values).warnings()).isEmpty();
    }

    @Test
    void acceptsARelayCheckInsideARestrictionClass() {
        Map<String, String> values = base();
        values.put("smtpd_relay_restrictions", "");
        values.put("smtpd_restriction_classes", "guard");
        values.put("guard", "permit_mynetworks, reject_unauth_destination");
        values.put("smtpd_recipient_restrictions", "guard");

        assertThat(build(values).warnings()).isEmpty();
    }

    @Test
    void doesNotCountARelayCheckThatOnlyWarns() {
        Map<String, String> values = base();
        values.put("smtpd_relay_restrictions", "warn_if_reject reject_unauth_destination");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class);
    }

    @Test
    void refusesACheckAccessWithoutATable() {
        Map<String, String> values = base();
        values.put("smtpd_client_restrictions", "check_client_access");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("check_client_access in smtpd_client_restrictions")
                .hasMessageContaining("need maptype:mapname");
    }

    @Test
    void refusesARestrictionClassWithoutDefinition() {
        Map<String, String> values = base();
        values.put("smtpd_restriction_classes", "strict");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessage("restriction class \"strict\" needs a definition");
    }

    /** Skipping a check Bulwark does not have would accept what Postfix refuses: refused at load, with file:line. */
    @Test
    void refusesARestrictionNotImplementedWithItsMainCfLineAndWhatToUseInstead() throws Exception {
        Files.writeString(directory.resolve("main.cf"), """
                myhostname = mail.example.com
                mydestination = example.com
                smtpd_recipient_restrictions = permit_mynetworks,
                    reject_unauth_destination, reject_unknown_address
                """);
        // The loader refuses it first (config.VocabularyTest); the parser refuses it as well.
        Map<String, String> values = base();
        values.put("config_directory", directory.toString());
        values.put("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination,"
                + " reject_unknown_address");
        Config config = Config.of(values);

        assertThatThrownBy(() -> new SmtpdRestrictions(config, TestEnvironment.of(config, directory), null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(directory.resolve("main.cf") + ", line 3: restriction reject_unknown_address in"
                        + " smtpd_recipient_restrictions is not implemented by Bulwark: Bulwark does not implement"
                        + " reject_unknown_address. Use reject_unknown_sender_domain and"
                        + " reject_unknown_recipient_domain");
    }

    /** A service's configuration names main.cf for main.cf's lines and master.cf for its -o lines. */
    @Test
    void anErrorInAServicesConfigurationNamesTheFileThatHoldsTheLine() throws Exception {
        Files.writeString(directory.resolve("main.cf"), """
                myhostname = mail.example.com
                mydestination = example.com
                smtpd_client_restrictions = permit_mynetworks, permit_bogus
                """);
        Files.writeString(directory.resolve("master.cf"), """
                smtp       inet  n       -       n       -       -       smtpd
                submission inet  n       -       n       -       -       smtpd
                  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
                  -o smtpd_helo_restrictions=reject_bogus
                """);
        var loaded = ConfigLoader.load(directory);
        Config smtp = loaded.main().with(loaded.services().get(0));
        Config submission = loaded.main().with(loaded.services().get(1));

        assertThatThrownBy(() -> new SmtpdRestrictions(smtp, TestEnvironment.of(smtp, directory), null))
                .hasMessage(directory.resolve("main.cf") + ", line 3: unknown restriction \"permit_bogus\" in"
                        + " smtpd_client_restrictions");
        assertThatThrownBy(() -> new SmtpdRestrictions(submission, TestEnvironment.of(submission, directory), null))
                .hasMessage(directory.resolve("master.cf") + ", line 2: unknown restriction \"reject_bogus\" in"
                        + " smtpd_helo_restrictions");
    }

    @Test
    void everyRestrictionOfTheVocabularyIsBuiltOrRefused() {
        for (Vocabulary.Entry entry : Vocabulary.all(Vocabulary.Kind.RESTRICTION)) {
            Map<String, String> values = base();
            values.put("smtpd_recipient_restrictions", "reject_unauth_destination, " + entry.name() + argument(entry.name()));
            if (entry.state() instanceof Vocabulary.Refused refused) {
                assertThatThrownBy(() -> build(values)).as(entry.name()).isInstanceOf(ConfigException.class)
                        .hasMessageContaining(entry.name() + " in smtpd_recipient_restrictions is not implemented by"
                                + " Bulwark: " + refused.why());
            } else {
                try (SmtpdRestrictions built = build(values)) {
                    assertThat(built.warnings()).as(entry.name()).isEmpty();
                }
            }
        }
    }

    private static String argument(String name) {
        if (name.matches("check_.*_access")) {
            return " inline:{ example.com=OK }";
        }
        if (name.matches("reject_rbl.*|reject_rhsbl.*|permit_dnswl_client|permit_rhswl_client")) {
            return " list.example";
        }
        if (name.equals("check_policy_service") || name.equals("check_sasl_access") || name.equals("sleep")) {
            return name.equals("sleep") ? " 1" : name.equals("check_sasl_access") ? " inline:{ a=OK }" : " inet:127.0.0.1:9";
        }
        return "";
    }

    @Test
    void refusesADnsListWithoutItsDomain() {
        Map<String, String> values = base();
        values.put("smtpd_client_restrictions", "reject_rbl_client, permit");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessage("restriction reject_rbl_client in smtpd_client_restrictions needs a DNS list domain,"
                        + " e.g. reject_rbl_client zen.spamhaus.org");
    }

    @Test
    void refusesABadReplyFilter() {
        Map<String, String> values = base();
        values.put("smtpd_client_restrictions", "reject_rbl_client zen.spamhaus.org=127.0.0.[2..x]");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad reply filter in \"zen.spamhaus.org=127.0.0.[2..x]\"");
    }

    @Test
    void acceptsTheClientCertificateRestrictions() {
        Map<String, String> values = base();
        values.put("smtpd_relay_restrictions", "permit_tls_clientcerts, permit_tls_all_clientcerts,"
                + " check_ccert_access inline:{AA:BB=OK},"
                + " check_ccert_access { inline:{CC:DD=REJECT}, { search_order = pubkey_fingerprint, cert_fingerprint } },"
                + " reject_unauth_destination");

        assertThat(build(values).warnings()).isEmpty();
    }

    @Test
    void refusesAnUnknownCheckCcertAccessSearchOrder() {
        Map<String, String> values = base();
        values.put("smtpd_client_restrictions", "check_ccert_access { inline:{AA=OK}, { search_order = subject } }");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("check_ccert_access in smtpd_client_restrictions: unknown search_order item"
                        + " \"subject\"; use cert_fingerprint and pubkey_fingerprint");
    }

    @Test
    void refusesASenderCheckThatCanNeverMatchWithoutDelayReject() {
        Map<String, String> values = base();
        values.put("smtpd_delay_reject", "no");
        values.put("smtpd_client_restrictions", "permit_mynetworks, reject_unknown_sender_domain");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessage("restriction reject_unknown_sender_domain in smtpd_client_restrictions can never match:"
                        + " it looks at the sender address, which is not known yet when smtpd_delay_reject = no;"
                        + " move it to a later smtpd_*_restrictions list or set smtpd_delay_reject = yes");
    }

    @Test
    void acceptsTheSameCheckWithDelayReject() {
        Map<String, String> values = base();
        values.put("smtpd_client_restrictions", "permit_mynetworks, reject_unknown_sender_domain");

        assertThat(build(values).warnings()).isEmpty();
    }

    @Test
    void refusesABadTempfailAction() {
        Map<String, String> values = base();
        values.put("unknown_address_tempfail_action", "reject");

        assertThatThrownBy(() -> build(values)).isInstanceOf(ConfigException.class)
                .hasMessage("bad unknown_address_tempfail_action value \"reject\": specify defer_if_permit or defer");
    }

    @Test
    void namesTheMainCfLineOfABadList() throws Exception {
        Files.writeString(directory.resolve("main.cf"), """
                myhostname = mail.example.com
                mydestination = example.com
                local_recipient_maps =
                smtpd_recipient_restrictions =
                    permit_mynetworks,
                    reject_unauth_destination
                smtpd_client_restrictions = permit_mynetworks,
                    reject_rbl_clinet zen.spamhaus.org
                """);
        Config config = ConfigLoader.load(directory).main();

        assertThatThrownBy(() -> new SmtpdRestrictions(config, TestEnvironment.of(config, directory), null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(directory.resolve("main.cf") + ", line 7: unknown restriction \"reject_rbl_clinet\" in"
                        + " smtpd_client_restrictions");
    }

    @Test
    void restrictionNamesAreCaseInsensitive() {
        Map<String, String> values = base();
        values.put("smtpd_relay_restrictions", "PERMIT_MYNETWORKS, Reject_Unauth_Destination");

        assertThat(build(values).warnings()).isEmpty();
    }

    @Test
    void readsAccessTablesFromFiles() throws Exception {
        Files.writeString(directory.resolve("client_access"), "# blocked\n192.0.2.66 REJECT Go away\n");
        Map<String, String> values = base();
        values.put("smtpd_client_restrictions", "check_client_access texthash:client_access");
        SmtpdContext context = new SmtpdContext(InetAddress.getByName("192.0.2.66"), "unknown", "unknown", null,
                MailAddress.of("a@remote.example"), MailAddress.of("bob@example.com"), null, "ESMTP", 0, 0, false);

        Decision decision = build(values).check(Stage.RCPT, context);

        assertThat(decision).isEqualTo(new Decision.Refuse(
                SmtpReply.of(554, "5.7.1", "<unknown[192.0.2.66]>: Client host rejected: Go away")));
    }

    @Test
    void describesARejectAsPostfixLogsIt() throws Exception {
        SmtpdContext context = new SmtpdContext(InetAddress.getByName("192.0.2.1"), "mx.remote.example",
                "mx.remote.example", "mx.remote.example", MailAddress.of("a@remote.example"),
                MailAddress.of("u@elsewhere.example"), null, "ESMTP", 0, 0, false);

        String line = SmtpdRestrictions.describe("reject", Stage.RCPT, context,
                SmtpReply.of(554, "5.7.1", "<u@elsewhere.example>: Relay access denied"));

        assertThat(line).isEqualTo("NOQUEUE: reject: RCPT from mx.remote.example[192.0.2.1]: 554 5.7.1"
                + " <u@elsewhere.example>: Relay access denied; from=<a@remote.example> to=<u@elsewhere.example>"
                + " proto=ESMTP helo=<mx.remote.example>");
    }

    @Test
    void loadsTheRecipientRestrictionsOfTheGuides() {
        Map<String, String> values = base();
        values.put("smtpd_relay_restrictions",
                "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination");
        values.put("smtpd_recipient_restrictions", """
                permit_mynetworks,
                    permit_sasl_authenticated,
                    reject_unauth_destination,
                    reject_invalid_hostname,
                    reject_non_fqdn_hostname,
                    reject_non_fqdn_sender,
                    reject_non_fqdn_recipient,
                    reject_unknown_sender_domain,
                    reject_rbl_client zen.spamhaus.org,
                    check_policy_service unix:private/policy-spf
                """);
        values.put("smtpd_sender_restrictions", "reject_non_fqdn_sender, reject_sender_login_mismatch,"
                + " reject_unknown_sender_domain, permit");

        assertThat(build(values).warnings()).isEmpty();
    }

    @Test
    void doesNotRepeatAnEarlyStageWarningWhenReplayingItAtRcpt() throws Exception {
        Map<String, String> values = base();
        values.put("smtpd_delay_reject", "no");
        values.put("smtpd_helo_restrictions", "warn_if_reject reject_non_fqdn_helo_hostname");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MailLog.Logger logger = MailLog.to(new PrintStream(out, true, StandardCharsets.UTF_8), "mail", "postfix")
                .program("smtpd");
        Config config = Config.of(values);
        SmtpdRestrictions restrictions = new SmtpdRestrictions(config, TestEnvironment.of(config, directory), logger);
        SmtpdContext helo = new SmtpdContext(InetAddress.getByName("192.0.2.1"), "unknown", "unknown", "mailhost",
                null, null, null, "ESMTP", 0, 0, false);

        assertThat(restrictions.check(Stage.HELO, helo).accepted()).isTrue();
        assertThat(restrictions.check(Stage.RCPT, helo.withRecipient(MailAddress.of("bob@example.com"))).accepted())
                .isTrue();

        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("reject_warning")))
                .singleElement().asString().contains("EHLO from unknown[192.0.2.1]: 504 5.5.2 <mailhost>");
    }

    @Test
    void cutsAnOverlongTableTextToOneReplyLine() throws Exception {
        Files.writeString(directory.resolve("client_access"), "192.0.2.66 REJECT " + "x".repeat(600) + "\n");
        Map<String, String> values = base();
        values.put("smtpd_client_restrictions", "check_client_access texthash:client_access");
        SmtpdContext context = new SmtpdContext(InetAddress.getByName("192.0.2.66"), "unknown", "unknown", null,
                MailAddress.of("a@remote.example"), MailAddress.of("bob@example.com"), null, "ESMTP", 0, 0, false);

        Decision decision = build(values).check(Stage.RCPT, context);

        assertThat(decision).isInstanceOfSatisfying(Decision.Refuse.class,
                refuse -> assertThat(refuse.reply().toString()).hasSize(510));
    }

    @Test
    void worksFromTheConfigurationAloneWithPostfixDefaults() throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("mydestination", "example.com");
        values.put("mynetworks", "127.0.0.0/8");
        values.put("local_recipient_maps", "inline:{alice=x}");
        SmtpdRestrictions restrictions = new SmtpdRestrictions(Config.of(values));
        SmtpdContext outside = new SmtpdContext(InetAddress.getByName("192.0.2.1"), "unknown", "unknown",
                "mx.remote.example", MailAddress.of("a@remote.example"), MailAddress.of("u@elsewhere.example"),
                null, "ESMTP", 0, 0, false);

        assertThat(restrictions.check(Stage.RCPT, outside)).isEqualTo(new Decision.Refuse(
                SmtpReply.of(454, "4.7.1", "<u@elsewhere.example>: Relay access denied")));
        assertThat(restrictions.check(Stage.RCPT, outside.withRecipient(MailAddress.of("alice@example.com"))))
                .isEqualTo(Decision.PERMIT);
    }
}
