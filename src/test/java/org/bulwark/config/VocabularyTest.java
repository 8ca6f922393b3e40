package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fail closed: a line Bulwark does not implement either warns, with file:line and why nothing is
 * lost, or stops the load with file:line and what to do instead; it never changes silently what
 * mail is accepted, filtered or where it goes.
 */
class VocabularyTest {

    @TempDir
    Path dir;

    private LoadedConfig load(String mainCf, String masterCf) throws IOException {
        Files.writeString(dir.resolve("main.cf"), mainCf);
        if (masterCf != null) {
            Files.writeString(dir.resolve("master.cf"), masterCf);
        }
        return ConfigLoader.load(dir);
    }

    private Path main() {
        return dir.resolve("main.cf");
    }

    private Path master() {
        return dir.resolve("master.cf");
    }

    @Test
    void guideTlsLinesBulwarkDoesNotActOnWarnOncePerLine() throws IOException {
        LoadedConfig loaded = load("""
                myhostname = mail.example.test
                smtpd_tls_loglevel = 3
                smtpd_tls_received_header = yes
                tls_random_source = dev:/dev/urandom
                """, null);

        assertThat(loaded.warnings()).containsExactly(
                main() + ", line 2: smtpd_tls_loglevel is ignored: levels above 2 log as 2 in Bulwark: the session"
                        + " summary and the client certificate, no handshake trace; debug a handshake with openssl"
                        + " s_client -starttls smtp",
                main() + ", line 4: tls_random_source is ignored: Bulwark's TLS takes its randomness from the"
                        + " operating system (Java's SecureRandom); remove the line");
    }

    /** Debian's TLS lines load without a word: smtp_tls_CApath is read like smtp_tls_CAfile. */
    @Test
    void debiansSmtpTlsCApathLoadsSilently() throws IOException {
        assertThat(load("myhostname = mail.example.test\nsmtp_tls_CApath=/etc/ssl/certs\n", null).warnings()).isEmpty();
        assertThat(load("myhostname = mail.example.test\nlmtp_tls_CApath = /etc/ssl/certs/\n", null).warnings()).isEmpty();
    }

    @Test
    void aLevelBulwarkHasAndAnEmptyMilterListAreNoWarning() throws IOException {
        assertThat(load("smtpd_tls_loglevel = 2\nsmtpd_milters =\nsmtp_sasl_auth_enable = no\n", null).warnings())
                .isEmpty();
    }

    @Test
    void stockSubmissionOverridesWarnOnlyForWhatHasNoEffect() throws IOException {
        LoadedConfig loaded = load("myhostname = mail.example.test\n", """
                smtp      inet  n       -       n       -       -       smtpd
                submission inet n       -       n       -       -       smtpd
                  -o syslog_name=postfix/submission
                  -o smtpd_tls_security_level=encrypt
                  -o smtpd_sasl_auth_enable=yes
                  -o smtpd_tls_auth_only=yes
                  -o smtpd_reject_unlisted_recipient=no
                  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
                  -o milter_macro_daemon_name=ORIGINATING
                """);

        assertThat(loaded.warnings()).as("milter_macro_daemon_name is the {daemon_name} macro milters get").isEmpty();
    }

    @Test
    void miltersAndMilterMapsLoadAndADnsReplyFilterIsRefused() throws IOException {
        assertThat(load("""
                myhostname = mail.example.test
                milter_default_action = tempfail
                smtpd_milters = inet:127.0.0.1:11332
                non_smtpd_milters = inet:127.0.0.1:8891
                smtpd_milter_maps = cidr:/etc/postfix/smtpd_milter_map
                milter_macro_defaults = {auth_type}=none
                milter_header_checks = regexp:/etc/postfix/milter_header_checks
                """, null).warnings()).isEmpty();
        assertThatThrownBy(() -> load("""
                myhostname = mail.example.test
                smtpd_dns_reply_filter = pcre:/etc/postfix/smtpd_dns_reply_filter
                """, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(main() + ", line 2: smtpd_dns_reply_filter is not implemented by Bulwark: Bulwark"
                        + " does not filter DNS replies");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "smtp_header_checks = regexp:/etc/postfix/smtp_header_checks|Bulwark applies header_checks and body_checks as"
                + " mail comes in (cleanup), but not these checks",
        "lmtp_sasl_type = dovecot|Bulwark's SMTP and LMTP clients log in with smtp_sasl_* and lmtp_sasl_*",
        "smtpd_proxy_filter = 127.0.0.1:10025|Bulwark has no before-queue (smtpd_proxy_filter) content filter",
        "lmtp_tls_per_site = hash:/etc/postfix/tls_per_site|Bulwark does not read this obsolete per-site table (Postfix 2.2)",
        "lmtp_tls_scert_verifydepth = 3|Bulwark's LMTP client does not implement this setting",
        "sender_based_routing = yes|Bulwark does not route mail by its sender",
        "relocated_maps = hash:/etc/postfix/relocated|Bulwark has no relocated table",
    })
    void aLineThatWouldChangeWhatIsAcceptedOrWhereMailGoesIsRefusedWithItsLine(String line, String why)
            throws IOException {
        String name = line.substring(0, line.indexOf(' '));

        assertThatThrownBy(() -> load("myhostname = mail.example.test\nmynetworks = 127.0.0.0/8\n" + line + "\n", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(main() + ", line 3: " + name + " is not implemented by Bulwark: " + why);
    }

    @Test
    void automaticBccRecipientsAreImplemented() throws IOException {
        assertThat(load("""
                myhostname = mail.example.test
                always_bcc = archive@example.test
                sender_bcc_maps = hash:/etc/postfix/sender_bcc
                recipient_bcc_maps = hash:/etc/postfix/recipient_bcc
                """, null).warnings()).isEmpty();
    }

    @Test
    void theProxyProtocolLoadsAsHaproxyAndNothingElse() throws IOException {
        assertThat(load("""
                myhostname = mail.example.test
                smtpd_upstream_proxy_protocol = haproxy
                smtpd_upstream_proxy_timeout = 10s
                """, null).warnings()).isEmpty();
        assertThatThrownBy(() -> load("myhostname = mail.example.test\nsmtpd_upstream_proxy_protocol = nginx\n", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(main() + ", line 2: smtpd_upstream_proxy_protocol");
    }

    @Test
    void aRefusedParameterSetToPostfixsDefaultChangesNothing() throws IOException {
        assertThat(load("""
                myhostname = mail.example.test
                always_bcc =
                message_drop_headers = bcc, content-length, resent-bcc, return-path
                header_checks =
                """, null).warnings()).isEmpty();
    }

    /** Refused when the configuration loads, never skipped at RCPT; the line named is the one holding the word. */
    @Test
    void aRestrictionBulwarkDoesNotHaveIsRefusedAtTheLineThatHoldsIt() throws IOException {
        assertThatThrownBy(() -> load("""
                myhostname = mail.example.test
                smtpd_recipient_restrictions = permit_mynetworks,
                    reject_unauth_destination, reject_unknown_address
                """, null))
                .hasMessage(main() + ", line 2: restriction reject_unknown_address in smtpd_recipient_restrictions"
                        + " is not implemented by Bulwark: Bulwark does not implement reject_unknown_address."
                        + " Use reject_unknown_sender_domain and reject_unknown_recipient_domain");
        assertThatThrownBy(() -> load("myhostname = mail.example.test\n", """
                submission inet n       -       n       -       -       smtpd
                  -o smtpd_helo_restrictions=reject_plaintext_session
                """))
                .hasMessageStartingWith(master() + ", line 1: restriction reject_plaintext_session in"
                        + " smtpd_helo_restrictions is not implemented by Bulwark");
        assertThatThrownBy(() -> load("""
                myhostname = mail.example.test
                mua_sender_restrictions = permit_sasl_authenticated, Permit_MX_Backup
                """, """
                submission inet n       -       n       -       -       smtpd
                  -o smtpd_sender_restrictions=$mua_sender_restrictions
                """))
                .hasMessageStartingWith(main() + ", line 2: restriction permit_mx_backup in smtpd_sender_restrictions"
                        + " is not implemented by Bulwark");
    }

    @Test
    void aRefusedOverrideNamesItsMasterCfLine() throws IOException {
        assertThatThrownBy(() -> load("myhostname = mail.example.test\n", """
                smtp      inet  n       -       n       -       -       smtpd
                submission inet n       -       n       -       -       smtpd
                  -o smtpd_dns_reply_filter=pcre:/etc/postfix/smtpd_dns_reply_filter
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(master() + ", line 2: smtpd_dns_reply_filter is not implemented by Bulwark");
    }

    @Test
    void aPostscreenOnAUnixSocketIsRefusedRatherThanNotListenedOn() throws IOException {
        assertThatThrownBy(() -> load("myhostname = mail.example.test\n", """
                pickup    unix  n       -       n       60      1       pickup
                smtp      unix  n       -       y       -       1       postscreen
                smtpd     pass  -       -       y       -       -       smtpd
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessage(master() + ", line 2: service smtp runs postscreen, which is not implemented by Bulwark:"
                        + " Bulwark's postscreen listens on inet sockets only, so this service would not be listened"
                        + " on. Use type inet: smtp inet n - n - 1 postscreen");
    }

    @Test
    void aUnixSocketSmtpdAndAnUnknownCommandAreRefused() throws IOException {
        assertThatThrownBy(() -> load("myhostname = mail.example.test\n",
                "smtpd     unix  -       -       y       -       -       smtpd\n"))
                .hasMessageStartingWith(master() + ", line 1: service smtpd runs smtpd, which is not implemented by"
                        + " Bulwark: Bulwark's smtpd listens on inet sockets, or serves postscreen's clients");
        assertThatThrownBy(() -> load("myhostname = mail.example.test\n",
                "amavis    unix  -       -       n       -       2       amavisd\n"))
                .hasMessageStartingWith(master() + ", line 1: service amavis runs amavisd, which is not implemented"
                        + " by Bulwark: it is not a program Bulwark knows");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "myhostname =|myhostname is empty;",
        "myhostname = mail|myhostname = mail: not a fully-qualified domain name;",
        "myhostname = $mydomain|myhostname = localdomain: not a fully-qualified domain name;",
    })
    void myhostnameMustBeAFullyQualifiedName(String line, String message) {
        assertThatThrownBy(() -> load("mydomain = localdomain\n" + line + "\n", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(main() + ", line 2: " + message);
    }

    @Test
    void anEmptyMydomainIsRefused() {
        assertThatThrownBy(() -> load("myhostname = mail.example.test\nmydomain =\n", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(main() + ", line 2: mydomain is empty;");
    }

    /** Postfix 3.10's stock master.cf, with Debian's pipe services, loads; what Bulwark does not run warns. */
    @Test
    void theStockMasterCfLoads() throws IOException, URISyntaxException {
        Path stock = Path.of(Objects.requireNonNull(getClass().getResource("/config/stock/master.cf")).toURI());
        Files.copy(stock, master());
        Files.writeString(main(), "myhostname = mail.example.test\n");

        LoadedConfig loaded = ConfigLoader.load(dir);

        assertThat(loaded.services()).extracting(ServiceEntry::service)
                .contains("smtp", "pickup", "qmgr", "relay", "local", "virtual", "lmtp", "mailman");
        List<String> ignored = new ArrayList<>();
        for (String w : loaded.warnings()) {
            assertThat(w).as(w).startsWith(master() + ", line ").contains(", which is ignored: ");
            ignored.add(w.replaceAll(".*: service (\\S+) runs.*", "$1"));
        }
        // lmtp, discard, error and the pipe services (maildrop, uucp, mailman ...) are delivery agents Bulwark
        // has, and verify is its address verification service.
        assertThat(ignored).isEmpty();
    }

    @Test
    void mailRoutedToTheStockDeliveryAgentsLoadsWithoutWarnings() throws Exception {
        Path stock = Path.of(Objects.requireNonNull(getClass().getResource("/config/stock/master.cf")).toURI());
        Files.copy(stock, master());
        Files.writeString(dir.resolve("transport"), "# spam traps\ntrap.example.test  discard:\nexample.test  smtp:\n");

        LoadedConfig loaded = load("myhostname = mail.example.test\nvirtual_transport = lmtp:unix:private/dovecot\n"
                + "transport_maps = texthash:" + dir.resolve("transport") + ", inline:{ bad.example.test=error:gone }\n",
                null);

        assertThat(loaded.warnings()).noneMatch(w -> w.contains("service lmtp ") || w.contains("service discard ")
                || w.contains("service error "));
    }

    @Test
    void perTransportParametersOfAServiceAreKnown() throws IOException {
        LoadedConfig loaded = load("""
                myhostname = mail.example.test
                relay_destination_concurrency_positive_feedback = 1/concurrency
                relay_delivery_slot_cost = 5
                nosuch_delivery_slot_cost = 5
                """, "relay unix - - n - - smtp\nqmgr unix n - n 300 1 qmgr\n");

        assertThat(loaded.warnings()).containsExactly(
                main() + ", line 3: relay_delivery_slot_cost is ignored: it tunes Postfix's queue manager scheduler;"
                        + " Bulwark's queue manager schedules by destination concurrency and backoff, and delivers the"
                        + " same mail to the same places",
                main() + ", line 4: unused parameter: nosuch_delivery_slot_cost=5");
    }

    /** The table covers Postfix's whole vocabulary: every name `postconf -d` of the installed Postfix shows. */
    @Test
    void everyParameterOfPostfixsPostconfIsInTheVocabulary() throws Exception {
        Path postconf = Path.of("/usr/sbin/postconf");
        assertThat(Files.isExecutable(postconf)).as("postconf(1) is missing: apt-get install -y postfix").isTrue();
        Path stock = Path.of(Objects.requireNonNull(getClass().getResource("/config/stock/master.cf")).toURI());
        Files.copy(stock, master());
        Files.writeString(main(), "");
        Process process = new ProcessBuilder(postconf.toString(), "-c", dir.toString(), "-d")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> names = new String(process.getInputStream().readAllBytes()).lines()
                .map(line -> line.substring(0, line.indexOf(" =")).strip()).toList();
        assertThat(process.waitFor()).isZero();
        assertThat(names).hasSizeGreaterThan(800);
        Set<String> services = new java.util.HashSet<>();
        MasterCf.parse(master(), new ArrayList<>()).forEach(s -> services.add(s.service()));
        List<String> missing = names.stream()
                .filter(n -> VocabularyCheck.parameterEntry(n, services).isEmpty())
                .toList();
        assertThat(missing).isEmpty();
    }

    @Test
    void everyRegisteredPostfixParameterIsInTheVocabularyAndEveryImplementedOneIsRegistered() {
        for (Parameter p : Parameters.all()) {
            if (!p.extension() && !p.name().equals("policy_time_limit")) {
                assertThat(Vocabulary.parameter(p.name())).as(p.name()).isPresent();
            }
        }
        for (Vocabulary.Entry e : Vocabulary.all(Vocabulary.Kind.PARAMETER)) {
            if (e.state() instanceof Vocabulary.Implemented && Parameters.find(e.name()).isEmpty()) {
                assertThat(Vocabulary.perTransport(e.name())).as(e.name() + ": implemented but not registered")
                        .hasValueSatisfying(t -> assertThat(t.state()).isInstanceOf(Vocabulary.Implemented.class));
            }
        }
    }

    /** Postfix 3's stock submission entry refers to mua_* parameters main.cf has to define. */
    @Test
    void anUndefinedParameterInAnOverrideWarnsOnceAsInPostfix() throws IOException {
        LoadedConfig loaded = load("myhostname = mail.example.test\nmua_sender_restrictions = reject_sender_login_mismatch\n", """
                submission inet n       -       n       -       -       smtpd
                  -o smtpd_client_restrictions=$mua_client_restrictions
                  -o smtpd_helo_restrictions=${mua_client_restrictions}
                  -o smtpd_sender_restrictions=$mua_sender_restrictions
                  -o smtpd_recipient_restrictions=${mua_recipient_restrictions?permit}
                  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
                """);

        assertThat(loaded.warnings()).containsExactly(master() + ", line 1: undefined parameter:"
                + " mua_client_restrictions; $mua_client_restrictions expands to nothing; define mua_client_restrictions"
                + " in main.cf");
    }

    @Test
    void myoriginFileWithoutADomainWarnsWhichNameIsUsed() throws IOException {
        Path mailname = dir.resolve("mailname");
        LoadedConfig missing = load("myhostname = mail.example.test\nmyorigin = " + mailname + "\n", null);

        assertThat(missing.warnings()).containsExactly(main() + ", line 2: myorigin = " + mailname
                + ": no domain on the file's first line (missing or unreadable); mail from this system uses"
                + " $myhostname (mail.example.test) instead; write the domain on the first line of " + mailname);
        assertThat(missing.main().get("myorigin")).isEqualTo("mail.example.test");

        Files.writeString(mailname, "example.test\n");
        LoadedConfig present = load("myhostname = mail.example.test\nmyorigin = " + mailname + "\n", null);
        assertThat(present.warnings()).isEmpty();
        assertThat(present.main().get("myorigin")).isEqualTo("example.test");
    }
}
