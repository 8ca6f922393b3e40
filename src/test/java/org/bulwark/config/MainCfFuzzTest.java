package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes main.cf through a real file: arbitrary bytes must load or give a
 * {@link ConfigException} (the operator sees file:line and a reason), never another exception,
 * which would reach the operator as a stack trace.
 */
class MainCfFuzzTest {

    private static Path directory;

    @BeforeAll
    static void createDirectory() throws IOException {
        directory = Files.createTempDirectory("maincf-fuzz");
    }

    @AfterAll
    static void removeDirectory() throws IOException {
        Files.deleteIfExists(directory.resolve("main.cf"));
        Files.deleteIfExists(directory);
    }

    @FuzzTest(maxDuration = "30s")
    void mainCf(byte[] content) {
        try {
            Files.write(directory.resolve("main.cf"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            LoadedConfig loaded = ConfigLoader.load(directory);
            for (String name : loaded.main().setParameters()) {
                // Expansion of whatever was accepted must not fail either.
                loaded.main().get(name);
            }
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
