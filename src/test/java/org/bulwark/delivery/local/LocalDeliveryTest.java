package org.bulwark.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bulwark.config.Config;
import org.bulwark.delivery.MapTable;
import org.bulwark.delivery.Owner;
import org.bulwark.delivery.TestMessage;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.table.AddressClass;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDeliveryTest {

    private static final String CONTENT = "Subject: local test\n\nbody\n";
    private static final String ALIASES = "hash:/etc/aliases";

    @TempDir
    Path dir;

    private Path passwd;
    private final Map<String, String> aliases = new HashMap<>();
    private final Map<String, String> params = new HashMap<>();
    private Forwarder forwarder;

    @BeforeEach
    void setUp() throws Exception {
        passwd = dir.resolve("passwd");
        Files.writeString(passwd, String.join("\n",
                "root:x:0:0:root:/root:/bin/bash",
                "alice:x:4242:4242:Alice:" + dir.resolve("home/alice") + ":/bin/sh",
                "bob:x:4243:4243:Bob:" + dir.resolve("home/bob") + ":/bin/sh",
                "carol:x:4244:4244:Carol:" + dir.resolve("home/carol") + ":/bin/sh",
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin", ""));
        for (String user : List.of("alice", "bob", "carol")) {
            Files.createDirectories(dir.resolve("home/" + user));
        }
        params.putAll(Map.of(
                "alias_maps", ALIASES,
                "home_mailbox", "Maildir/",
                "recipient_delimiter", "+",
                "myhostname", "mail.example.com",
                "mail_spool_directory", dir.resolve("spool").toString(),
                "allow_mail_to_files", "alias, forward",
                "allow_mail_to_commands", "alias, forward",
                "default_privs", "nobody",
                "mailbox_size_limit", "51200000",
                "command_time_limit", "100s"));
    }

    private Outcome deliver(String... recipients) {
        return deliverContent(CONTENT, recipients);
    }

    private Outcome deliverContent(String content, String... recipients) {
        LocalDelivery agent = new LocalDelivery(Config.of(params), MapTable.opener(Map.of(ALIASES, aliases)),
                domain -> domain.equals("example.com") ? AddressClass.LOCAL : AddressClass.DEFAULT,
                new PasswdFile(passwd), forwarder);
        return agent.deliver(TestMessage.of("sender@example.org", content, recipients).request("mail.example.com"))
                .outcomes().get(0);
    }

    private List<Path> newMail(String user) throws Exception {
        Path newDir = dir.resolve("home/" + user + "/Maildir/new");
        if (!Files.isDirectory(newDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(newDir)) {
            return s.toList();
        }
    }

    /** A directory anyone may write to, for commands and files run with default_privs' rights. */
    private Path sharedDirectory() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        return shared;
    }

    @Test
    void deliversToTheHomeMaildirOfASystemUser() throws Exception {
        Outcome outcome = deliver("alice@example.com");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.relay()).isEqualTo("local");
        assertThat(outcome.text()).isEqualTo("delivered to maildir");
        List<Path> mail = newMail("alice");
        assertThat(mail).hasSize(1);
        assertThat(Files.readString(mail.get(0))).contains("Delivered-To: alice@example.com\n").endsWith(CONTENT);
    }

    @Test
    void givesTheMaildirToTheUserWhenRunningAsRoot() throws Exception {
        deliver("alice@example.com");

        long expected = Owner.runningAsRoot() ? 4242 : (Integer) Files.getAttribute(dir, "unix:uid");
        assertThat((Integer) Files.getAttribute(newMail("alice").get(0), "unix:uid")).isEqualTo((int) expected);
    }

    @Test
    void stripsTheAddressExtensionToFindTheUser() throws Exception {
        assertThat(deliver("Alice+lists@example.com").status()).isEqualTo(Status.SENT);
        assertThat(newMail("alice")).hasSize(1);
    }

    @Test
    void bouncesAnUnknownUserWithPostfixText() {
        Outcome outcome = deliver("nosuchuser+x@example.com");

        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.dsn()).isEqualTo("5.1.1");
        assertThat(outcome.text()).isEqualTo("unknown user: \"nosuchuser\"");
    }

    /** verify(8): a probe finds the user or not, as mail would, and writes nothing. */
    @Test
    void aProbeFindsTheUserWithoutDelivering() throws Exception {
        LocalDelivery agent = new LocalDelivery(Config.of(params), MapTable.opener(Map.of(ALIASES, aliases)),
                domain -> domain.equals("example.com") ? AddressClass.LOCAL : AddressClass.DEFAULT,
                new PasswdFile(passwd), forwarder);

        Outcome known = agent.deliver(TestMessage.probe("alice@example.com").request("mail.example.com"))
                .outcomes().get(0);
        Outcome unknown = agent.deliver(TestMessage.probe("nosuchuser@example.com").request("mail.example.com"))
                .outcomes().get(0);

        assertThat(known.status()).isEqualTo(Status.SENT);
        assertThat(known.text()).isEqualTo("delivers to maildir");
        assertThat(newMail("alice")).isEmpty();
        assertThat(unknown.status()).isEqualTo(Status.BOUNCED);
        assertThat(unknown.text()).isEqualTo("unknown user: \"nosuchuser\"");
    }

    @Test
    void expandsAnAliasWithSeveralTargets() throws Exception {
        aliases.put("team", "alice, bob@example.com, carol");

        assertThat(deliver("team@example.com").status()).isEqualTo(Status.SENT);
        assertThat(newMail("alice")).hasSize(1);
        assertThat(newMail("bob")).hasSize(1);
        assertThat(newMail("carol")).hasSize(1);
    }

    @Test
    void deliversOnceToATargetListedTwice() throws Exception {
        aliases.put("team", "alice, staff");
        aliases.put("staff", "alice, bob");

        deliver("team@example.com");

        assertThat(newMail("alice")).hasSize(1);
        assertThat(newMail("bob")).hasSize(1);
    }

    @Test
    void anAliasListingItsOwnNameDeliversToThatAccount() throws Exception {
        aliases.put("alice", "alice, bob");

        deliver("alice@example.com");

        assertThat(newMail("alice")).hasSize(1);
        assertThat(newMail("bob")).hasSize(1);
    }

    @Test
    void readsTargetsFromAnIncludeFile() throws Exception {
        Path include = dir.resolve("list.inc");
        Files.writeString(include, "# the list\nalice, bob\n\n  carol\n");
        aliases.put("list", ":include:" + include);

        assertThat(deliver("list@example.com").status()).isEqualTo(Status.SENT);
        assertThat(newMail("alice")).hasSize(1);
        assertThat(newMail("bob")).hasSize(1);
        assertThat(newMail("carol")).hasSize(1);
    }

    @Test
    void defersWhenTheIncludeFileIsMissing() {
        aliases.put("list", ":include:" + dir.resolve("missing.inc"));

        Outcome outcome = deliver("list@example.com");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).contains("missing.inc");
    }

    @Test
    void appendsToAFileNamedInAnAlias() throws Exception {
        Path archive = sharedDirectory().resolve("archive.mbox");
        aliases.put("archive", archive.toString());

        Outcome outcome = deliver("archive@example.com");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(outcome.text()).isEqualTo("delivered to file: " + archive);
        assertThat(Files.readString(archive)).startsWith("From sender@example.org  ").contains("Subject: local test");
    }

    @Test
    void pipesTheMessageToACommandNamedInAnAlias() throws Exception {
        Path out = sharedDirectory().resolve("piped");
        aliases.put("robot", "\"|cat > " + out + "; echo $RECIPIENT >> " + out + "\"");

        Outcome outcome = deliver("robot@example.com");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(outcome.text()).isEqualTo("delivered to command: cat > " + out + "; echo $RECIPIENT >> " + out);
        assertThat(Files.readString(out)).startsWith("From sender@example.org  ")
                .contains("Subject: local test").endsWith("robot@example.com\n");
    }

    @Test
    void defersWhenTheCommandExitsWithTempfail() throws Exception {
        sharedDirectory();
        aliases.put("robot", "|exit 75");

        Outcome outcome = deliver("robot@example.com");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.3.0");
        assertThat(outcome.text()).startsWith("Command died with status 75: \"exit 75\"");
    }

    @Test
    void refusesCommandsFromIncludeFilesByDefault() throws Exception {
        Path include = dir.resolve("list.inc");
        Files.writeString(include, "|cat\n");
        aliases.put("list", ":include:" + include);

        Outcome outcome = deliver("list@example.com");

        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.text()).isEqualTo("mail to command is restricted");
    }

    @Test
    void defersARemoteTargetWhenNothingCanForward() {
        aliases.put("away", "someone@example.net");

        Outcome outcome = deliver("away@example.com");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).contains("forwarding");
    }

    @Test
    void forwardsRemoteTargetsAsOneNewMessage() throws Exception {
        List<MailAddress> forwarded = new ArrayList<>();
        forwarder = (original, deliveredTo, recipients) -> {
            forwarded.addAll(recipients);
            return new QueueId("0123456789");
        };
        aliases.put("away", "someone@example.net, other@example.org, alice");

        Outcome outcome = deliver("away@example.com");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.text()).isEqualTo("delivered to maildir, forwarded as 0123456789");
        assertThat(forwarded).containsExactly(MailAddress.of("someone@example.net"), MailAddress.of("other@example.org"));
    }

    @Test
    void deliversToTheSpoolMailboxWithoutHomeMailbox() throws Exception {
        params.put("home_mailbox", "");
        Files.createDirectories(dir.resolve("spool"));

        Outcome outcome = deliver("bob@example.com");

        assertThat(outcome.text()).isEqualTo("delivered to mailbox");
        assertThat(Files.readString(dir.resolve("spool/bob"))).startsWith("From sender@example.org  ").endsWith("body\n\n");
    }

    @Test
    void defersWhenTheHomeMaildirCannotBeWritten() throws Exception {
        Files.createDirectories(dir.resolve("home/alice/Maildir"));
        Files.writeString(dir.resolve("home/alice/Maildir/tmp"), "not a directory");

        Outcome outcome = deliver("alice@example.com");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.2.0");
        assertThat(outcome.text()).startsWith("maildir delivery failed:");
    }

    private Path forwardFile(String user, String name, String content) throws Exception {
        Path file = dir.resolve("home/" + user + "/" + name);
        Files.writeString(file, content);
        if (Owner.runningAsRoot()) {
            Files.setAttribute(file, "unix:uid", (int) new PasswdFile(passwd).find(user).orElseThrow().uid());
        }
        return file;
    }

    @Test
    void followsTheUsersForwardFile() throws Exception {
        forwardFile("alice", ".forward", "# keep a copy\n\\alice, bob\n");

        assertThat(deliver("alice@example.com").status()).isEqualTo(Status.SENT);
        assertThat(newMail("alice")).hasSize(1);
        assertThat(newMail("bob")).hasSize(1);
    }

    @Test
    void prefersTheForwardFileOfTheAddressExtension() throws Exception {
        forwardFile("alice", ".forward", "bob\n");
        forwardFile("alice", ".forward+lists", "carol\n");

        deliver("alice+lists@example.com");

        assertThat(newMail("carol")).hasSize(1);
        assertThat(newMail("bob")).isEmpty();
        assertThat(newMail("alice")).isEmpty();
    }

    @Test
    void bouncesAMessageThatWasAlreadyDeliveredToThisRecipient() throws Exception {
        Outcome outcome = deliverContent("Delivered-To: alice@example.com\n" + CONTENT, "alice@example.com");

        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.dsn()).isEqualTo("5.4.6");
        assertThat(outcome.text()).isEqualTo("mail forwarding loop for alice@example.com");
        assertThat(newMail("alice")).isEmpty();
    }

    @Test
    void refusesToAppendThroughASymbolicLink() throws Exception {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "precious\n");
        Path link = Files.createSymbolicLink(sharedDirectory().resolve("archive"), victim);
        aliases.put("archive", link.toString());

        Outcome outcome = deliver("archive@example.com");

        assertThat(outcome.status()).isNotEqualTo(Status.SENT);
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
    }

    @Test
    void refusesAnIncludeFileItsAccountCannotRead() throws Exception {
        Path include = dir.resolve("secret.inc");
        Files.writeString(include, "alice\n");
        Files.setPosixFilePermissions(include, PosixFilePermissions.fromString("---------"));
        aliases.put("list", ":include:" + include);

        Outcome outcome = deliver("list@example.com");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).contains("secret.inc").contains("Permission denied");
        assertThat(newMail("alice")).isEmpty();
    }

    @Test
    void defersACommandThatOutlivesCommandTimeLimit() throws Exception {
        sharedDirectory();
        params.put("command_time_limit", "1s");
        aliases.put("slow", "|sleep 60");

        Outcome outcome = deliver("slow@example.com");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).isEqualTo("Command time limit exceeded: \"sleep 60\"");
    }

    @Test
    void mailboxCommandTakesPrecedenceOverHomeMailbox() throws Exception {
        Path out = sharedDirectory().resolve("lda");
        params.put("mailbox_command", "cat > " + out + "; echo \"$USER $HOME\" >> " + out);
        Files.setPosixFilePermissions(dir.resolve("home/alice"), PosixFilePermissions.fromString("rwxrwxrwx"));

        Outcome outcome = deliver("alice@example.com");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(outcome.text()).startsWith("delivered to command: cat > ");
        assertThat(Files.readString(out)).contains("Subject: local test").endsWith("alice " + dir.resolve("home/alice") + "\n");
        assertThat(newMail("alice")).isEmpty();
    }
}
