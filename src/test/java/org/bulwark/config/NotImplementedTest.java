package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameters Bulwark recognises but does not act on: one warning each, with file:line and what it does instead. */
class NotImplementedTest {

    @TempDir
    Path dir;

    private LoadedConfig load(String mainCf, String masterCf) throws IOException {
        Files.writeString(dir.resolve("main.cf"), mainCf);
        if (masterCf != null) {
            Files.writeString(dir.resolve("master.cf"), masterCf);
        }
        return ConfigLoader.load(dir);
    }

    @Test
    void guideTlsLinesBulwarkDoesNotActOnWarnOncePerLine() throws IOException {
        LoadedConfig loaded = load("""
                myhostname = mail.example.test
                smtpd_tls_loglevel = 3
                smtpd_tls_received_header = yes
                tls_random_source = dev:/dev/urandom
                """, null);

        Path main = dir.resolve("main.cf");
        assertThat(loaded.warnings()).containsExactly(
                main + ", line 2: smtpd_tls_loglevel is ignored: levels above 2 log as 2 in Bulwark: the session"
                        + " summary and the client certificate, no handshake trace; debug a handshake with openssl"
                        + " s_client -starttls smtp",
                main + ", line 4: tls_random_source is ignored: Bulwark's TLS takes its randomness from the"
                        + " operating system (Java's SecureRandom); remove the line");
    }

    @Test
    void aLevelBulwarkHasIsNoWarning() throws IOException {
        assertThat(load("smtpd_tls_loglevel = 2\nsmtpd_milters =\n", null).warnings()).isEmpty();
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

        assertThat(loaded.warnings()).as("milter_macro_daemon_name names the {daemon_name} macro milters get")
                .isEmpty();
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

        assertThat(loaded.warnings()).containsExactly(dir.resolve("master.cf") + ", line 1: undefined parameter:"
                + " mua_client_restrictions; $mua_client_restrictions expands to nothing; define mua_client_restrictions"
                + " in main.cf");
    }

    @Test
    void myoriginFileWithoutADomainWarnsWhichNameIsUsed() throws IOException {
        Path mailname = dir.resolve("mailname");
        LoadedConfig missing = load("myhostname = mail.example.test\nmyorigin = " + mailname + "\n", null);

        assertThat(missing.warnings()).containsExactly(dir.resolve("main.cf") + ", line 2: myorigin = " + mailname
                + ": no domain on the file's first line (missing or unreadable); mail from this system uses"
                + " $myhostname (mail.example.test) instead; write the domain on the first line of " + mailname);
        assertThat(missing.main().get("myorigin")).isEqualTo("mail.example.test");

        Files.writeString(mailname, "example.test\n");
        LoadedConfig present = load("myhostname = mail.example.test\nmyorigin = " + mailname + "\n", null);
        assertThat(present.warnings()).isEmpty();
        assertThat(present.main().get("myorigin")).isEqualTo("example.test");
    }

    @Test
    void everyEntryNamesAParameterOnce() {
        assertThat(NotImplemented.all()).extracting(NotImplemented.Entry::name).doesNotHaveDuplicates();
    }
}
