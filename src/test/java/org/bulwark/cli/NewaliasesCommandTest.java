package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewaliasesCommandTest {

    @TempDir
    Path dir;

    private int newaliases(ByteArrayOutputStream err) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return Bulwark.commandLine().execute("newaliases", "-c", dir.toString());
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void acceptsAWellFormedAliasFileSilently() throws Exception {
        Files.writeString(dir.resolve("aliases"), "postmaster: root\nroot: alice, bob\n");
        Files.writeString(dir.resolve("main.cf"), "alias_database = hash:" + dir.resolve("aliases") + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(newaliases(err)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void namesTheMissingAliasFile() throws Exception {
        Files.writeString(dir.resolve("main.cf"), "alias_database = hash:" + dir.resolve("nowhere") + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(newaliases(err)).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bulwark: fatal: ").contains("nowhere")
                .doesNotContain("Exception");
    }
}
