package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bulwark.master.Master;
import org.bulwark.testing.FreePorts;

/**
 * A whole mail system in a temporary directory: conf/ with main.cf, master.cf and a virtual
 * mailbox map for example.test, var/ for the queue, the Maildirs and the maillog. Tests change
 * main.cf lines before starting it, in process ({@link #start()}) or as a daemon process.
 */
final class MailSystemFixture implements AutoCloseable {

    final Path root;
    final Path conf;
    final Path var;
    private final Map<String, String> mainCf = new LinkedHashMap<>();
    private final List<String> extraServices = new ArrayList<>();
    private boolean postscreen;
    private final List<String> postscreenOptions = new ArrayList<>();
    private final int port;
    private Master master;

    MailSystemFixture(Path root) throws IOException {
        this.root = root;
        this.conf = Files.createDirectories(root.resolve("conf"));
        this.var = Files.createDirectories(root.resolve("var"));
        this.port = freePort();
        mainCf.put("myhostname", "mail.example.test");
        mainCf.put("mydomain", "example.test");
        mainCf.put("mydestination", "localhost");
        mainCf.put("inet_interfaces", "127.0.0.1");
        mainCf.put("inet_protocols", "ipv4");
        mainCf.put("mynetworks", "127.0.0.1/32");
        mainCf.put("queue_directory", var.resolve("spool").toString());
        mainCf.put("data_directory", var.resolve("lib").toString());
        mainCf.put("maillog_file", var.resolve("log/maillog").toString());
        mainCf.put("virtual_mailbox_domains", "example.test");
        mainCf.put("virtual_mailbox_base", var.resolve("mail").toString());
        mainCf.put("virtual_mailbox_maps", "texthash:" + conf.resolve("vmailbox"));
        mainCf.put("alias_maps", "");
        mainCf.put("local_recipient_maps", "");
        mainCf.put("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination");
        mainCf.put("dns_servers", "127.0.0.1:1");
        Files.writeString(conf.resolve("vmailbox"), """
                alice@example.test   example.test/alice/
                bob@example.test     example.test/bob/
                """);
    }

    /** Sets (or, with null, removes) a main.cf parameter before start. */
    MailSystemFixture set(String name, String value) {
        if (value == null) {
            mainCf.remove(name);
        } else {
            mainCf.put(name, value);
        }
        return this;
    }

    /**
     * Puts postscreen on the SMTP port, with smtpd behind it as the pass service, as
     * POSTSCREEN_README's master.cf does; main.cf's postscreen_* lines (cache_map = redis://... for
     * a cluster) configure it.
     */
    MailSystemFixture postscreen(String... options) {
        postscreen = true;
        postscreenOptions.addAll(List.of(options));
        return this;
    }

    /** Adds a master.cf line (e.g. an lmtp or discard service) to the stock ones. */
    MailSystemFixture service(String masterCfLine) {
        extraServices.add(masterCfLine);
        return this;
    }

    /**
     * Address verification (verify(8)): master.cf's {@code verify} service, and with a non-null
     * {@code map} that {@code address_verify_map} (null keeps Postfix's default, a file under
     * {@code data_directory}). Nodes given the same {@code redis://} URI (a testing.RedisServer's
     * {@code uri()}) share what their probes found. The restriction lists that use it
     * ({@code reject_unverified_recipient}, {@code reject_unverified_sender}) are the test's to set.
     */
    MailSystemFixture addressVerification(String map) {
        service("verify    unix  -       -       n       -       1       verify");
        return map == null ? this : set("address_verify_map", map);
    }

    int port() {
        return port;
    }

    /** Writes main.cf and master.cf. */
    void writeConfig() throws IOException {
        StringBuilder main = new StringBuilder("# written by the test\n");
        mainCf.forEach((k, v) -> main.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(conf.resolve("main.cf"), main);
        String listener = postscreen ? """
                127.0.0.1:%d inet n - n - 1 postscreen
                """ + postscreenOptions.stream().map(o -> "  -o " + o + "\n").collect(java.util.stream.Collectors.joining())
                + """
                smtpd     pass  -       -       n       -       -       smtpd
                dnsblog   unix  -       -       n       -       0       dnsblog
                tlsproxy  unix  -       -       n       -       0       tlsproxy
                """ : "127.0.0.1:%d inet n - n - - smtpd\n";
        Files.writeString(conf.resolve("master.cf"), listener.formatted(port) + """
                pickup    unix  n       -       n       60      1       pickup
                cleanup   unix  n       -       n       -       0       cleanup
                qmgr      unix  n       -       n       300     1       qmgr
                local     unix  -       n       n       -       -       local
                virtual   unix  -       n       n       -       -       virtual
                smtp      unix  -       -       n       -       -       smtp
                relay     unix  -       -       n       -       -       smtp
                """ + (extraServices.isEmpty() ? "" : String.join("\n", extraServices) + "\n"));
    }

    MailSystemFixture start() throws IOException {
        writeConfig();
        master = Master.start(conf);
        return this;
    }

    /** The system started in process by {@link #start()}. */
    Master master() {
        return master;
    }

    void stop() {
        if (master != null) {
            master.close();
            master = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    Path maildir(String user) {
        return var.resolve("mail/example.test").resolve(user);
    }

    /** The files in a Maildir's new/ directory. */
    List<Path> delivered(String user) throws IOException {
        Path dir = maildir(user).resolve("new");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /** Waits until the user's Maildir holds {@code count} messages; fails after a generous limit. */
    List<Path> awaitDelivered(String user, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<Path> files = delivered(user);
        while (files.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            files = delivered(user);
        }
        assertThat(files).as("messages in %s's Maildir (log:%n%s)", user, maillog()).hasSize(count);
        return files;
    }

    String maillog() throws IOException {
        Path log = var.resolve("log/maillog");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits until a maillog line contains the text. */
    String awaitLog(String text) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            String log = maillog();
            if (log.contains(text)) {
                return log;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no log line with \"" + text + "\" in:\n" + maillog());
    }

    static int freePort() {
        return FreePorts.next();
    }

    /** Runs a command, returning its exit code and combined output. */
    static ProcessResult run(List<String> command, String input) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        if (input != null) {
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new ProcessResult(process.waitFor(), output);
    }

    record ProcessResult(int exitCode, String output) {
    }

    /** Runs this system as a daemon process ({@code bulwark -c conf start-fg}), output in daemon.out. */
    Process startDaemon() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.bulwark.cli.Bulwark");
        command.add("-c");
        command.add(conf.toString());
        command.add("start-fg");
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("daemon.out").toFile())).start();
    }

    /** Connects once the daemon listens and has sent its greeting. */
    SmtpDialogue awaitBanner() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                SmtpDialogue smtp = new SmtpDialogue(port, "127.0.0.1");
                assertThat(smtp.reply()).startsWith("220 ");
                return smtp;
            } catch (java.net.ConnectException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("daemon did not listen: " + Files.readString(root.resolve("daemon.out")), e);
                }
                Thread.sleep(50);
            }
        }
    }

    // master.cf lines of a test's own (spawn services and the like).

    /** Writes the configuration with {@code masterCfLines} after the standard services, then starts in process. */
    MailSystemFixture startWithServices(String masterCfLines) throws IOException {
        writeServices(masterCfLines);
        master = Master.start(conf);
        return this;
    }

    /** Rewrites master.cf as the standard services plus {@code masterCfLines} (for a reload). */
    void writeServices(String masterCfLines) throws IOException {
        writeConfig();
        Files.writeString(conf.resolve("master.cf"), masterCfLines.stripTrailing() + "\n",
                java.nio.file.StandardOpenOption.APPEND);
    }
}
