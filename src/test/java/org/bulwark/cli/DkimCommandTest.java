package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import org.bulwark.mailauth.DkimAlgorithm;
import org.bulwark.mailauth.DkimKeyFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark dkim keygen}, as opendkim-genkey: a 0600 key file and the TXT record. */
class DkimCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int run(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "dkim";
        full[1] = "keygen";
        System.arraycopy(args, 0, full, 2, args.length);
        return Bulwark.commandLine().execute(full);
    }

    @Test
    void writesAnRsaKeyOnlyItsOwnerCanReadAndPrintsTheRecord() throws Exception {
        assertThat(run("-d", "example.no", "-s", "default", "--rsa", "2048", "-D", dir.toString())).isZero();

        Path key = dir.resolve("default.private");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        PrivateKey privateKey = DkimKeyFiles.read(key);
        assertThat(DkimKeyFiles.algorithmOf(privateKey)).isEqualTo(DkimAlgorithm.RSA_SHA256);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("default._domainkey\tIN\tTXT\t( \"v=DKIM1; k=rsa; p=MIIBIjAN")
                .contains("DKIM key default for example.no");
        assertThat(Files.readString(dir.resolve("default.txt"))).isEqualTo(printed.lines().findFirst().orElseThrow()
                + "\n" + printed.lines().skip(1).takeWhile(l -> !l.startsWith(";")).reduce("", (a, b) -> a + b + "\n"));
    }

    @Test
    void writesAnEd25519Key() throws Exception {
        assertThat(run("-d", "example.no", "-s", "ed", "--ed25519", "-D", dir.toString())).isZero();

        assertThat(DkimKeyFiles.algorithmOf(DkimKeyFiles.read(dir.resolve("ed.private")))).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"v=DKIM1; k=ed25519; p=");
    }

    @Test
    void neverOverwritesAKey() throws Exception {
        Files.writeString(dir.resolve("default.private"), "old");

        assertThat(run("-d", "example.no", "-D", dir.toString())).isEqualTo(1);

        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bulwark: fatal: ").contains("exists already");
        assertThat(Files.readString(dir.resolve("default.private"))).isEqualTo("old");
    }

    @Test
    void refusesAnRsaSizeOutsideRfc8301() {
        assertThat(run("-d", "example.no", "--rsa", "512", "-D", dir.toString())).isEqualTo(1);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("1024, 2048 or 4096");
    }
}
