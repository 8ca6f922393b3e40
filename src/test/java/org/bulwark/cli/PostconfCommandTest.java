package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostconfCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() throws IOException {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("main.cf"), """
                myhostname = mx.example.org
                myorigin = $mydomain
                smtpd_helo_required = yes
                """);
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int run(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "postconf";
        full[1] = "-c";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return Bulwark.commandLine().execute(full);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dashNShowsOnlyMainCfSettingsSorted() {
        assertThat(run("-n")).isZero();

        assertThat(stdout()).isEqualTo("""
                myhostname = mx.example.org
                myorigin = $mydomain
                smtpd_helo_required = yes
                """);
    }

    @Test
    void noArgumentsShowsEveryParameterWithItsEffectiveRawValue() {
        assertThat(run()).isZero();

        assertThat(stdout()).contains("myorigin = $mydomain\n", "smtpd_banner = $myhostname ESMTP $mail_name\n",
                "message_size_limit = 10240000\n", "relay_domains =\n");
        assertThat(stdout().lines().toList()).isSorted();
    }

    @Test
    void dashDShowsDefaults() {
        assertThat(run("-d", "myorigin", "smtpd_helo_required", "mail_name")).isZero();

        assertThat(stdout()).isEqualTo("""
                myorigin = $myhostname
                smtpd_helo_required = no
                mail_name = Bulwark
                """);
    }

    @Test
    void dashXExpandsAndDashHShowsValuesOnly() {
        assertThat(run("-x", "-h", "myorigin", "smtpd_banner")).isZero();

        assertThat(stdout()).isEqualTo("example.org\nmx.example.org ESMTP Bulwark\n");
    }

    @Test
    void unknownParameterWarnsOnStandardError() {
        run("no_such_parameter", "mail_name");

        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("postconf: warning: unknown parameter: no_such_parameter");
        assertThat(stdout()).isEqualTo("mail_name = Bulwark\n");
    }

    @Test
    void aPostfixParameterBulwarkRefusesSaysSoWithWhatToUseInstead() {
        assertThat(run("smtpd_proxy_filter", "biff")).isZero();

        assertThat(stdout()).isEqualTo("smtpd_proxy_filter =\nbiff = yes\n");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("postconf: warning: smtpd_proxy_filter is not implemented by Bulwark: Bulwark has no"
                        + " before-queue (smtpd_proxy_filter) content filter")
                .contains("postconf: warning: biff is ignored: Bulwark never notifies a biff service");
    }

    @Test
    void dashDMarksBulwarkExtensions() {
        run("-d", "dns_servers");

        assertThat(stdout()).startsWith("# Bulwark extension:").endsWith("dns_servers =\n");
    }

    @Test
    void configErrorIsOneLineWithoutStackTrace() throws IOException {
        Files.writeString(dir.resolve("main.cf"), "message_size_limit = 10M\n");

        assertThat(run("-n")).isEqualTo(78);

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("bulwark: fatal: " + dir.resolve("main.cf")
                + ", line 1: message_size_limit = 10M: not a number of bytes; write e.g. 10240000\n");
    }

    @Test
    void dashEChangesParametersInPlaceKeepingCommentsAndContinuations() throws IOException {
        Files.writeString(dir.resolve("main.cf"), """
                # identity
                myhostname = mx.example.org
                smtpd_recipient_restrictions =
                    permit_mynetworks,
                    reject_unauth_destination
                # the end
                """);

        assertThat(run("-e", "smtpd_recipient_restrictions=permit_mynetworks, reject",
                "message_size_limit=20480000")).isZero();

        assertThat(Files.readString(dir.resolve("main.cf"))).isEqualTo("""
                # identity
                myhostname = mx.example.org
                smtpd_recipient_restrictions = permit_mynetworks, reject
                # the end
                message_size_limit = 20480000
                """);
    }

    @Test
    void dashEWithoutAnEqualsSignIsRefused() {
        assertThat(run("-e", "myhostname")).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("-e needs name=value").doesNotContain("Exception");
    }

    @Test
    void dashAAndDashMListSaslAndTableTypes() {
        assertThat(run("-a")).isZero();
        assertThat(stdout()).isEqualTo("builtin\ncyrus\ndovecot\n");
        out.reset();
        assertThat(run("-m")).isZero();
        assertThat(stdout()).contains("texthash\n").contains("pcre\n").contains("cidr\n");
    }

    @Test
    void dashMAndDashFShowMasterCfEntries() throws IOException {
        Files.writeString(dir.resolve("master.cf"), """
                smtp       inet  n       -       n       -       -       smtpd
                submission inet  n       -       n       -       -       smtpd
                  -o smtpd_tls_security_level=encrypt
                """);

        assertThat(run("-M", "submission")).isZero();
        assertThat(stdout()).isEqualTo(
                "submission inet  n       -       n       -       -       smtpd -o smtpd_tls_security_level=encrypt\n");
        out.reset();
        assertThat(run("-F", "smtp/inet")).isZero();
        assertThat(stdout()).contains("smtp/inet/process_limit = -\n").contains("smtp/inet/command = smtpd\n");
    }
}
