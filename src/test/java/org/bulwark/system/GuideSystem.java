package org.bulwark.system;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.bulwark.master.Master;
import org.bulwark.testing.DovecotPeer;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.Peers;

/**
 * One guide's configuration, end to end: its main.cf lines as the guide presents them, then only
 * the lines a test needs (later lines win, as in Postfix): its directories and loopback port, the
 * test DNS server, and {@code mynetworks = 127.0.0.1/32}, so that 127.0.0.2 and up play clients
 * from outside. The guide's own names (myhostname, mydomain, myorigin, mydestination, the
 * restriction lists) stay as written.
 */
final class GuideSystem implements AutoCloseable {

    final MailSystemFixture system;
    private Master master;

    GuideSystem(Path root, GuideZone dns) throws IOException {
        system = new MailSystemFixture(root)
                .set("myhostname", null)
                .set("mydomain", null)
                .set("mydestination", null)
                .set("inet_protocols", null)
                .set("smtpd_relay_restrictions", null)
                .set("dns_servers", dns.address())
                .set("dns_timeout", "1s")
                .set("dns_attempts", "1");
    }

    static Path guide(String name) {
        try {
            return Path.of(Objects.requireNonNull(GuideSystem.class.getResource("/config/seeds/" + name)).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private final List<String> masterCfLines = new ArrayList<>();

    /** Adds a master.cf line after the harness's services (e.g. a listener on [::1]). */
    GuideSystem masterCf(String line) {
        masterCfLines.add(line);
        return this;
    }

    /** Writes the guide's main.cf followed by the test's lines and starts the whole system. */
    GuideSystem start(String guide, String... testLines) throws IOException {
        system.writeConfig();
        Path masterCf = system.conf.resolve("master.cf");
        Files.writeString(masterCf, Files.readString(masterCf) + String.join("\n", masterCfLines) + "\n");
        writeMainCf(system, guide, testLines);
        master = Master.start(system.conf);
        return this;
    }

    /**
     * Puts the guide's main.cf in front of the lines {@code system} has written, then
     * {@code testLines} (later lines win, as in Postfix).
     */
    static void writeMainCf(MailSystemFixture system, String guide, String... testLines) throws IOException {
        Path mainCf = system.conf.resolve("main.cf");
        String harness = Files.readString(mainCf);
        StringBuilder text = new StringBuilder(Files.readString(guide(guide).resolve("main.cf")))
                .append("\n# The test's lines\n").append(harness);
        for (String line : testLines) {
            text.append(line).append('\n');
        }
        Files.writeString(mainCf, text);
    }

    int port() {
        return system.port();
    }

    /**
     * The maillog's warning lines about the configuration. The warning about running as root is
     * left out: it is about the machine the tests run on (CI runs them as root), not the guide.
     */
    List<String> warnings() throws IOException {
        List<String> warnings = new ArrayList<>();
        for (String line : system.maillog().lines().toList()) {
            if (line.contains(": warning: ") && !line.contains(": warning: running as root")) {
                warnings.add(line.substring(line.indexOf(": warning: ") + ": warning: ".length()));
            }
        }
        return warnings;
    }

    /** EHLO, MAIL, RCPT from a loopback address; the RCPT reply, or the first refusal before it. */
    String rcpt(String from, String helo, String sender, String recipient) throws Exception {
        return SmtpDialogue.rcpt(port(), from, helo, sender, recipient);
    }

    /**
     * A real Dovecot serving the auth socket the guides put at {@code private/auth} under the queue
     * directory, knowing one user with password wonderland.
     */
    static DovecotPeer startDovecot(Path root, String user) throws Exception {
        Path users = Files.createDirectories(root.resolve("dovecot")).resolve("users");
        Files.writeString(users, user + ":"
                + OpensslCertificates.run(Peers.doveadm(), "pw", "-s", "SHA512-CRYPT", "-p", "wonderland").strip() + "\n");
        return DovecotPeer.start(root.resolve("dovecot"), users, root.resolve("var/spool/private/auth"));
    }

    /** AUTH PLAIN's initial response for a login and password. */
    static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (master != null) {
            master.close();
            master = null;
        }
    }
}
