package org.bulwark.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinBackendTest {

    @TempDir
    Path dir;

    private final MailLog.Logger log = MailLog.to(new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), "mx", "postfix").program("smtpd");

    private SaslService service(String... settings) throws Exception {
        Files.writeString(dir.resolve("passwd"), """
                # users
                alice@example.org:%s:1000:1000::/home/alice::
                Scram@Example.org:%s
                broken line without a password
                """.formatted(PasswordScheme.SHA256_CRYPT.hash("wonderland"), PasswordScheme.SCRAM_SHA_256.hash("pencil")));
        Files.setPosixFilePermissions(dir.resolve("passwd"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> values = new ArrayList<>(List.of("smtpd_sasl_auth_enable", "yes", "config_directory", dir.toString(),
                "smtpd_sasl_path", "passwd"));
        values.addAll(List.of(settings));
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < values.size(); i += 2) {
            map.put(values.get(i), values.get(i + 1));
        }
        return SaslService.forService(Config.of(map), log);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static SaslClient client() {
        return new SaslClient("192.0.2.1", "127.0.0.1", true);
    }

    @Test
    void theBuiltinBackendIsTheDefaultAndReadsThePathRelativeToTheConfigDirectory() throws Exception {
        SaslService sasl = service();
        assertThat(sasl.offered(true)).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN");
        assertThat(sasl.start("PLAIN", true, client()).respond(bytes("\0alice@example.org\0wonderland")))
                .isEqualTo(new SaslStep.Success("alice@example.org", null));
    }

    @Test
    void userNamesCompareWithoutCase() throws Exception {
        assertThat(service().start("PLAIN", true, client()).respond(bytes("\0ALICE@example.org\0wonderland")))
                .isInstanceOf(SaslStep.Success.class);
    }

    @Test
    void theLocalDomainQualifiesABareLoginName() throws Exception {
        SaslService sasl = service("smtpd_sasl_local_domain", "example.org");
        assertThat(sasl.start("PLAIN", true, client()).respond(bytes("\0alice\0wonderland")))
                .isEqualTo(new SaslStep.Success("alice@example.org", null));
    }

    @Test
    void scramWorksForAScramEntryAndFailsForACryptOne() throws Exception {
        SaslService sasl = service();
        SaslExchange crypt = sasl.start("SCRAM-SHA-256", true, client());
        crypt.respond(bytes("n,,n=alice@example.org,r=abcdef"));
        assertThat(crypt.respond(bytes("c=biws,r=wrong,p=AAAA"))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void noplaintextWithdrawsPlainAndLogin() throws Exception {
        SaslService sasl = service("smtpd_sasl_security_options", "noanonymous, noplaintext",
                "smtpd_sasl_tls_security_options", "noanonymous");
        assertThat(sasl.offered(false)).containsExactly("SCRAM-SHA-256");
        assertThat(sasl.offered(true)).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN");
        assertThat(sasl.start("PLAIN", false, client())).isNull();
    }

    @Test
    void aMissingPasswdFileIsATemporaryFailure() throws Exception {
        SaslService sasl = service("smtpd_sasl_path", "nowhere");
        assertThat(sasl.start("PLAIN", true, client()).respond(bytes("\0alice@example.org\0wonderland")))
                .isInstanceOf(SaslStep.Unavailable.class);
    }
}
