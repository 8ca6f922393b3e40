package org.bulwark.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root rule decided from a configuration, without binding anything. */
class RootCheckTest {

    @TempDir
    Path dir;

    private LoadedConfig config(String inetInterfaces, String masterCf) throws Exception {
        Files.writeString(dir.resolve("main.cf"), "inet_interfaces = " + inetInterfaces + "\ninet_protocols = ipv4\n");
        Files.writeString(dir.resolve("master.cf"), masterCf);
        return ConfigLoader.load(dir);
    }

    @Test
    void aListenerOnAllInterfacesIsRefusedToRootWithTheReasonAndTheWayOut() throws Exception {
        LoadedConfig loaded = config("all", "smtp inet n - n - - smtpd\n");

        assertThatThrownBy(() -> RootCheck.check(loaded, true, false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("refusing to run as root")
                .hasMessageContaining("0.0.0.0:25 (" + dir.resolve("master.cf") + ", line 1)")
                .hasMessageContaining("a bug in a network daemon that runs as root")
                .hasMessageContaining("packaging/").hasMessageContaining("CAP_NET_BIND_SERVICE")
                .hasMessageContaining("--allow-root");
    }

    @Test
    void oneExposedServiceAmongLoopbackOnesIsEnough() throws Exception {
        LoadedConfig loaded = config("127.0.0.1", "127.0.0.1:2525 inet n - n - - smtpd\n"
                + "192.0.2.1:587 inet n - n - - smtpd\n");

        assertThat(RootCheck.exposedListeners(loaded)).singleElement().asString().startsWith("192.0.2.1:587 (");
        assertThatThrownBy(() -> RootCheck.check(loaded, true, false)).isInstanceOf(ConfigException.class);
    }

    @Test
    void allowRootRunsWithAWarningThatSaysWhy() throws Exception {
        LoadedConfig loaded = config("all", "smtp inet n - n - - smtpd\n");

        assertThat(RootCheck.check(loaded, true, true)).get().asString()
                .contains("--allow-root").contains("0.0.0.0:25").contains("packaging/");
    }

    @Test
    void loopbackOnlyWarnsAndRuns() throws Exception {
        LoadedConfig loaded = config("127.0.0.1", "smtp inet n - n - - smtpd\n[::1]:2525 inet n - n - - smtpd\n");

        assertThat(RootCheck.check(loaded, true, false)).get().asString()
                .startsWith("running as root; every listener is on loopback").contains("CAP_NET_BIND_SERVICE");
    }

    @Test
    void anUnprivilegedUserHearsNothing() throws Exception {
        assertThat(RootCheck.check(config("all", "smtp inet n - n - - smtpd\n"), false, false)).isEmpty();
    }

    @Test
    void theEffectiveUserComesFromTheSecondUidColumn() throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n");
        assertThat(RootCheck.effectiveUid(status)).hasValue(0);
        Files.writeString(status, "Uid:\t0\t108\t108\t108\n");
        assertThat(RootCheck.effectiveUid(status)).hasValue(108);
        assertThat(RootCheck.effectiveUid(dir.resolve("missing"))).isEmpty();
    }
}
