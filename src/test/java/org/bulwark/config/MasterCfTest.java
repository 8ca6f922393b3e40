package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterCfTest {

    @TempDir
    Path dir;

    @BeforeEach
    void writeMainCf() throws IOException {
        Files.writeString(dir.resolve("main.cf"), "myhostname = mx.example\n");
    }

    private List<ServiceEntry> services(String masterCf) throws IOException {
        Files.writeString(dir.resolve("master.cf"), masterCf);
        return ConfigLoader.load(dir).services();
    }

    @Test
    void readsColumnsArgsAndOverrides() throws IOException {
        List<ServiceEntry> services = services("""
                # service type  private unpriv  chroot  wakeup  maxproc command + args
                smtp      inet  n       -       n       -       -       smtpd
                submission inet n       -       n       -       -       smtpd
                  -o syslog_name=postfix/submission
                  -o smtpd_tls_security_level=encrypt
                  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }
                pickup    unix  n       -       n       60      1       pickup
                """);

        assertThat(services).hasSize(3);
        ServiceEntry submission = services.get(1);
        assertThat(submission.service()).isEqualTo("submission");
        assertThat(submission.command()).isEqualTo("smtpd");
        assertThat(submission.line()).isEqualTo(3);
        assertThat(submission.overrides()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "syslog_name", "postfix/submission",
                "smtpd_tls_security_level", "encrypt",
                "smtpd_client_restrictions", "permit_sasl_authenticated, reject"));
        assertThat(submission.args()).isEmpty();
        assertThat(services.get(2).wakeup()).isEqualTo("60");
        assertThat(services.get(2).maxproc()).isEqualTo("1");
    }

    @Test
    void acceptsHostPortAndBracketedIpv6ServiceNames() throws IOException {
        List<ServiceEntry> services = services("""
                127.0.0.1:2525 inet n - n - - smtpd
                [::1]:25       inet n - n - - smtpd
                """);

        assertThat(services).extracting(ServiceEntry::service).containsExactly("127.0.0.1:2525", "[::1]:25");
    }

    @Test
    void inetServiceWithUnknownPortNameIsAnError() {
        assertThatThrownBy(() -> services("127.0.0.1:smtpx inet n - n - - smtpd\n"))
                .hasMessageEndingWith("line 1: bad service name \"127.0.0.1:smtpx\": use name, port, host:port or [ipv6]:port");
    }

    @Test
    void wrongColumnCountIsAnErrorWithItsLine() {
        assertThatThrownBy(() -> services("smtp inet n - n - - smtpd\nbroken unix n -\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("master.cf") + ", line 2: wrong number of fields (4): a service needs at least 8:"
                        + " service type private unpriv chroot wakeup maxproc command");
    }

    @Test
    void unknownServiceTypeIsAnError() {
        assertThatThrownBy(() -> services("smtp tcp n - n - - smtpd\n"))
                .hasMessageEndingWith("line 1: unknown service type \"tcp\": use inet, unix, unix-dgram, fifo or pass");
    }

    @Test
    void badOverrideValueIsAnErrorWithMasterCfLine() {
        assertThatThrownBy(() -> services("smtp inet n - n - - smtpd\nsubmission inet n - n - - smtpd\n"
                + "  -o smtpd_helo_required=sometimes\n"))
                .hasMessage(dir.resolve("master.cf") + ", line 2: smtpd_helo_required = sometimes: not a boolean;"
                        + " write yes or no");
    }

    @Test
    void overrideReferringToAUserDefinedMainCfParameterKeepsItUsed() throws IOException {
        Files.writeString(dir.resolve("main.cf"), "mua_client_restrictions = permit_sasl_authenticated, reject\n");
        Files.writeString(dir.resolve("master.cf"), "submission inet n - n - - smtpd\n"
                + "  -o smtpd_client_restrictions=$mua_client_restrictions\n");

        LoadedConfig loaded = ConfigLoader.load(dir);

        assertThat(loaded.warnings()).isEmpty();
        ServiceEntry submission = loaded.services().get(0);
        assertThat(loaded.main().with(submission.overrides()).list("smtpd_client_restrictions"))
                .containsExactly("permit_sasl_authenticated", "reject");
    }

    @Test
    void unknownOverrideIsAWarningWithMasterCfLine() throws IOException {
        Files.writeString(dir.resolve("master.cf"), "smtp inet n - n - - smtpd\n  -o smtpd_bogus=1\n");

        assertThat(ConfigLoader.load(dir).warnings())
                .containsExactly(dir.resolve("master.cf") + ", line 1: unused parameter: smtpd_bogus=1");
    }

    @Test
    void missingMasterCfGivesTheDefaultServices() {
        List<ServiceEntry> services = ConfigLoader.load(dir).services();

        assertThat(services).extracting(s -> s.service() + "/" + s.type()).contains(
                "smtp/inet", "pickup/unix", "cleanup/unix", "qmgr/unix", "local/unix", "virtual/unix",
                "smtp/unix", "relay/unix", "error/unix", "bounce/unix");
    }

    @Test
    void duplicateServiceIsAnError() {
        assertThatThrownBy(() -> services("smtp inet n - n - - smtpd\nsmtp inet n - n - - smtpd\n"))
                .hasMessageEndingWith("line 2: duplicate service smtp/inet; each name and type may appear once");
    }

    @Test
    void embeddedDefaultConfigurationLoadsWithoutWarnings() {
        LoadedConfig loaded = ConfigLoader.load(Path.of("conf"));

        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.services()).extracting(ServiceEntry::service).contains("127.0.0.1:2525");
        assertThat(loaded.main().get("queue_directory"))
                .isEqualTo(Path.of("conf").toAbsolutePath().normalize() + "/../var/spool");
    }
}
