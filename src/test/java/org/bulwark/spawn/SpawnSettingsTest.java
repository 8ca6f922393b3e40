package org.bulwark.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.bulwark.config.ServiceEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a master.cf spawn line is read: attributes, user switch, socket, time limit, environment. */
class SpawnSettingsTest {

    private static final String PERL = "/usr/bin/perl";

    @TempDir
    Path conf;

    private SpawnSettings read(String mainCf, String masterCf, int serverUid) throws Exception {
        Files.writeString(conf.resolve("main.cf"), "queue_directory = /var/spool/bulwark\n" + mainCf);
        Files.writeString(conf.resolve("master.cf"), masterCf);
        LoadedConfig loaded = ConfigLoader.load(conf);
        ServiceEntry entry = loaded.services().stream().filter(s -> s.command().equals("spawn")).findFirst().orElseThrow();
        if (!entry.type().equals("unix")) {
            throw SpawnSettings.error(entry, SpawnTexts.unsupportedType(entry.type()));
        }
        return SpawnSettings.of(entry, loaded.main().with(entry.overrides()),
                SpawnSettings.socketOf(entry, Path.of("/var/spool/bulwark")), serverUid);
    }

    private String refusal(String mainCf, String masterCf, int serverUid) {
        return assertThrows(() -> read(mainCf, masterCf, serverUid));
    }

    private static String assertThrows(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable[] thrown = new Throwable[1];
        assertThatThrownBy(() -> {
            try {
                call.call();
            } catch (Throwable t) {
                thrown[0] = t;
                throw t;
            }
        }).isInstanceOf(ConfigException.class);
        return thrown[0].getMessage();
    }

    @Test
    void asRootTheGuidesLineRunsTheCommandAsNobodyThroughSetpriv() throws Exception {
        SpawnSettings s = read("", "policy-spf unix - n n - 0 spawn\n"
                + "    user=nobody argv=/usr/bin/perl /usr/sbin/postfix-policyd-spf-perl\n", 0);

        assertThat(s.command()).containsExactly(PERL, "/usr/sbin/postfix-policyd-spf-perl");
        assertThat(s.launch()).containsExactly("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--", PERL, "/usr/sbin/postfix-policyd-spf-perl");
        assertThat(s.endpoint())
                .isEqualTo(java.net.UnixDomainSocketAddress.of("/var/spool/bulwark/private/policy-spf"));
        assertThat(s.maxproc()).isZero();
        assertThat(s.timeLimit()).isEqualTo(Duration.ofSeconds(1000));
    }

    /** The guide's path is a hand install's; Debian's package puts the program in /usr/sbin. */
    @Test
    void theGuidesScriptPathIsRefusedWithWhereThePackageInstalledIt() {
        org.bulwark.testing.Peers.policydSpf();
        assertThat(refusal("", "policy-spf unix  -       n       n       -       0       spawn\n"
                + "    user=nobody  argv=/usr/bin/perl /usr/local/bin/postfix-policyd-spf-perl\n", 0)).isEqualTo(
                conf.resolve("master.cf") + ", line 1: spawn: argv=/usr/bin/perl /usr/local/bin/postfix-policyd-spf-perl:"
                        + " no such file /usr/local/bin/postfix-policyd-spf-perl; it is installed as"
                        + " /usr/sbin/postfix-policyd-spf-perl, write argv=/usr/bin/perl /usr/sbin/postfix-policyd-spf-perl");
    }

    @Test
    void aGroupAfterTheUserNameReplacesTheUsersGroup() throws Exception {
        SpawnSettings s = read("", "p unix - n n - - spawn user=nobody:daemon argv=/usr/bin/perl\n", 0);

        assertThat(s.launch()).contains("--reuid=65534", "--regid=1");
        assertThat(s.maxproc()).isEqualTo(100); // default_process_limit
    }

    @Test
    void withoutRootTheCommandRunsAsTheServersOwnUserOnly() throws Exception {
        SpawnSettings s = read("", "p unix - n n - 0 spawn user=nobody argv=/usr/bin/perl\n", 65534);
        assertThat(s.launch()).containsExactly(PERL);

        assertThat(refusal("", "p unix - n n - 0 spawn user=daemon argv=/usr/bin/perl\n", 65534)).isEqualTo(
                conf.resolve("master.cf") + ", line 1: spawn: user=daemon: the server runs as nobody, not root, so it"
                        + " cannot start the command as another user; start the server as root or write user=nobody");
    }

    @Test
    void refusesWhatSpawnRefuses() {
        String master = conf.resolve("master.cf") + ", line 2: ";
        assertThat(refusal("", "#\np unix - n n - 0 spawn argv=/usr/bin/perl\n", 0)).startsWith(master
                + "spawn: missing user= attribute; name the unprivileged account the command runs as, e.g. user=nobody");
        assertThat(refusal("", "#\np unix - n n - 0 spawn user=nobody\n", 0))
                .isEqualTo(master + "spawn: missing argv= attribute; end the line with argv=/path/to/command and its"
                        + " arguments");
        assertThat(refusal("", "#\np unix - n n - 0 spawn user=root argv=/usr/bin/perl\n", 0)).isEqualTo(master
                + "spawn: user=root: the command must not run as root (user or group id 0); name an unprivileged"
                + " account, e.g. user=nobody");
        assertThat(refusal("", "#\np unix - n n - 0 spawn user=no-such-user-here argv=/usr/bin/perl\n", 0))
                .isEqualTo(master + "spawn: user=no-such-user-here: no such user on this system; create it or name"
                        + " another, e.g. user=nobody");
        assertThat(refusal("", "#\np unix - n n - 0 spawn user=nobody flags=R argv=/usr/bin/perl\n", 0))
                .isEqualTo(master + "spawn: unknown attribute \"flags=R\"; spawn takes user=name[:group] and"
                        + " argv=command ...");
        assertThat(refusal("", "#\np unix - n n - 0 spawn user=nobody argv=/usr/local/bin/no-such-program\n", 0))
                .isEqualTo(master + "spawn: argv=/usr/local/bin/no-such-program: no executable file by that name;"
                        + " install it or correct the path");
        assertThat(refusal("", "#\nqueue fifo n n n - 0 spawn user=nobody argv=/usr/bin/perl\n", 0))
                .isEqualTo(master + "spawn: service type fifo is not supported; use unix (a socket under the queue"
                        + " directory) or inet (host:port)");
    }

    @Test
    void theSocketIsInPrivateOrPublicOrWhereASlashedNameSays() throws Exception {
        assertThat(read("", "p unix y n n - 0 spawn user=nobody argv=/usr/bin/perl\n", 0).endpoint())
                .isEqualTo(java.net.UnixDomainSocketAddress.of("/var/spool/bulwark/private/p"));
        assertThat(read("", "p unix n n n - 0 spawn user=nobody argv=/usr/bin/perl\n", 0).endpoint())
                .isEqualTo(java.net.UnixDomainSocketAddress.of("/var/spool/bulwark/public/p"));
        assertThat(read("", "spf/socket unix - n n - 0 spawn user=nobody argv=/usr/bin/perl\n", 0).endpoint())
                .isEqualTo(java.net.UnixDomainSocketAddress.of("/var/spool/bulwark/spf/socket"));
    }

    @Test
    void theTimeLimitIsServiceTimeLimitThenCommandTimeLimit() throws Exception {
        String line = "policy-spf unix - n n - 0 spawn user=nobody argv=/usr/bin/perl\n";
        assertThat(read("command_time_limit = 20m\n", line, 0).timeLimit()).isEqualTo(Duration.ofMinutes(20));
        assertThat(read("policy-spf_time_limit = 3600\n", line, 0).timeLimit()).isEqualTo(Duration.ofHours(1));
        assertThat(read("policy-spf_time_limit = 3600\n",
                "policy-spf unix - n n - 0 spawn -o policy-spf_time_limit=5m user=nobody argv=/usr/bin/perl\n", 0)
                .timeLimit()).isEqualTo(Duration.ofMinutes(5));
        // The guides' spelling is Postfix's parameter for a service named policy.
        assertThat(read("policy_time_limit = 3600\n", "policy unix - n n - 0 spawn user=nobody argv=/usr/bin/perl\n", 0)
                .timeLimit()).isEqualTo(Duration.ofHours(1));
        assertThat(refusal("#\npolicy-spf_time_limit = soon\n", line, 0)).isEqualTo(conf.resolve("main.cf")
                + ", line 3: policy-spf_time_limit = soon: not a time; write a number with an optional unit s, m, h,"
                + " d or w, e.g. 3600s");
    }

    @Test
    void theEnvironmentIsExportEnvironmentAndMailConfigOnly() throws Exception {
        String line = "p unix - n n - 0 spawn user=nobody argv=/usr/bin/perl\n";
        SpawnSettings s = read("export_environment = RES_NAMESERVERS=127.0.0.1 { RES_OPTIONS=port:5353 retry:1 }"
                + " NO_SUCH_VARIABLE_HERE\n", line, 0);

        assertThat(s.environment()).containsOnly(java.util.Map.entry("RES_NAMESERVERS", "127.0.0.1"),
                java.util.Map.entry("RES_OPTIONS", "port:5353 retry:1"),
                java.util.Map.entry("MAIL_CONFIG", conf.toAbsolutePath().normalize().toString()));
        assertThat(read("", line, 0).environment().keySet()).isSubsetOf(List.of("TZ", "MAIL_CONFIG", "LANG"))
                .contains("MAIL_CONFIG");
    }
}
