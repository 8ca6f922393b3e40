package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher runs the jar that is there, never the classes an archive kept of another one: a
 * jar replaced by another build, even one whose file is older than the archive, is what runs.
 * The jars are two small programs that say which build they are.
 */
class LauncherArchiveTest {

    @TempDir
    Path root;

    @Test
    void theServerRunsTheJarThatIsThereNotTheAotCacheOfTheOneBefore() throws Exception {
        // start-fg is the command that uses the AOT cache on JDK 25 and later, a class archive below.
        assertReplacedJarRuns("start-fg",
                Runtime.version().feature() >= 25 ? "target/bulwark-server.aot" : "target/bulwark-server.jsa");
    }

    @Test
    void aShortCommandRunsTheJarThatIsThereNotTheClassArchiveOfTheOneBefore() throws Exception {
        assertReplacedJarRuns("version", "target/bulwark-cli.jsa");
    }

    private void assertReplacedJarRuns(String command, String archive) throws Exception {
        Path launcher = root.resolve("bulwark");
        Files.copy(Path.of("bulwark"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = root.resolve("target/bulwark.jar");
        Files.createDirectories(jar.getParent());

        writeProgram(jar, "build A");
        assertThat(run(command)).contains("build A");
        assertThat(run(command)).as("with the archive the first run made").contains("build A");
        boolean archived = Files.exists(root.resolve(archive));

        writeProgram(jar, "build B");
        // As a package or `cp -p` leaves it: older than the archive made from the jar before.
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

        assertThat(run(command)).contains("build B").doesNotContain("build A");
        assertThat(run(command)).as("with the archive made anew").contains("build B");
        assertThat(archived).as("the first runs made an archive, so the test tried what it is about").isTrue();
    }

    private String run(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bulwark").toString(), command)
                .directory(root.toFile()).redirectErrorStream(true);
        builder.environment().remove("BULWARK_JAVA_OPTS");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** A runnable jar whose Main prints {@code words}. */
    private void writeProgram(Path jar, String words) throws IOException {
        Path source = Files.createTempDirectory(root, "src");
        Files.writeString(source.resolve("Main.java"),
                "public class Main { public static void main(String[] a) { System.out.println(\"" + words + "\"); } }");
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "-d", source.toString(), source.resolve("Main.java").toString());
        assertThat(compiled).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Main");
        Path written = source.resolve("program.jar");
        try (OutputStream file = Files.newOutputStream(written);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("Main.class"));
            out.write(Files.readAllBytes(source.resolve("Main.class")));
            out.closeEntry();
        }
        Files.move(written, jar, StandardCopyOption.REPLACE_EXISTING);
    }
}
