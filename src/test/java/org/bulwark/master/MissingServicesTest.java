package org.bulwark.master;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A master.cf that accepts mail but has nothing to deliver it is refused, with the line to add. */
class MissingServicesTest {

    private static final String DELIVERY = """
            qmgr      unix  n       -       n       300     1       qmgr
            local     unix  -       n       n       -       -       local
            virtual   unix  -       n       n       -       -       virtual
            smtp      unix  -       -       n       -       -       smtp
            """;

    @TempDir
    Path dir;

    private LoadedConfig config(String mainCf, String masterCf) throws Exception {
        Files.writeString(dir.resolve("main.cf"), "myhostname = mail.example.test\n" + mainCf);
        Files.writeString(dir.resolve("master.cf"), masterCf);
        return ConfigLoader.load(dir);
    }

    private static void check(LoadedConfig loaded) {
        MissingServices.check(loaded.main(), loaded.services());
    }

    @Test
    void onlyAnSmtpdLineIsRefusedForWantOfQmgr() throws Exception {
        LoadedConfig loaded = config("", "127.0.0.1:2525 inet n - n - - smtpd\n");

        assertThatThrownBy(() -> check(loaded)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("master.cf") + ": master.cf has no qmgr service: accepted mail would never be"
                        + " delivered. Add: qmgr unix n - n 300 1 qmgr");
    }

    @Test
    void pickupWithoutQmgrIsRefusedToo() throws Exception {
        LoadedConfig loaded = config("", "pickup unix n - n 60 1 pickup\n");

        assertThatThrownBy(() -> check(loaded)).hasMessageContaining("master.cf has no qmgr service");
    }

    @Test
    void aTransportSetInMainCfWithoutItsServiceIsRefusedAtItsLine() throws Exception {
        LoadedConfig loaded = config("virtual_mailbox_domains = example.test\nvirtual_transport = dovecot\n",
                "127.0.0.1:2525 inet n - n - - smtpd\n" + DELIVERY);

        assertThatThrownBy(() -> check(loaded)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("main.cf") + ", line 3: virtual_transport = dovecot: no master.cf service"
                        + " \"dovecot\": mail routed there would never be delivered. Add to master.cf: dovecot unix"
                        + " - - n - - smtp, or set virtual_transport to a transport master.cf has");
    }

    @Test
    void theDefaultTransportWithoutItsServiceIsRefusedNamingMasterCf() throws Exception {
        LoadedConfig loaded = config("", "127.0.0.1:2525 inet n - n - - smtpd\n"
                + DELIVERY.replace("smtp      unix  -       -       n       -       -       smtp\n", ""));

        assertThatThrownBy(() -> check(loaded))
                .hasMessage(dir.resolve("master.cf") + ": default_transport = smtp: no master.cf service \"smtp\": mail"
                        + " routed there would never be delivered. Add to master.cf: smtp unix - - n - - smtp, or set"
                        + " default_transport to a transport master.cf has");
    }

    @Test
    void aTransportMapsEntryWithoutItsServiceIsRefused() throws Exception {
        Files.writeString(dir.resolve("transport"), "example.net   smtp:[192.0.2.1]\nexample.org   lmtp-dovecot:unix:private/dovecot-lmtp\n");
        LoadedConfig loaded = config("transport_maps = texthash:" + dir.resolve("transport") + "\n",
                "127.0.0.1:2525 inet n - n - - smtpd\n" + DELIVERY);

        assertThatThrownBy(() -> check(loaded)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("main.cf") + ", line 2: transport_maps = texthash:" + dir.resolve("transport")
                        + ": example.org routes to \"lmtp-dovecot:unix:private/dovecot-lmtp\", and master.cf has no"
                        + " service \"lmtp-dovecot\": mail routed there would never be delivered. Add to master.cf:"
                        + " lmtp-dovecot unix - - n - - smtp, or change the entry");
    }

    @Test
    void aRelayTransportIsNeededOnlyWhenRelayDomainsRouteToIt() throws Exception {
        String masterCf = "127.0.0.1:2525 inet n - n - - smtpd\n" + DELIVERY;
        assertThatCode(() -> check(config("", masterCf))).doesNotThrowAnyException();
        LoadedConfig relaying = config("relay_domains = backup.example\n", masterCf);
        assertThatThrownBy(() -> check(relaying)).hasMessageContaining("relay_transport = relay: no master.cf service");
    }

    @Test
    void errorTransportsAndAPolicyOnlyNodeNeedNothingMore() throws Exception {
        assertThatCode(() -> check(config("default_transport = error:outbound mail is off\n",
                "127.0.0.1:2525 inet n - n - - smtpd\n" + DELIVERY.replace("smtp      unix", "#smtp")))).doesNotThrowAnyException();
        assertThatCode(() -> check(config("", "policy unix - n n - 0 spawn user=nobody argv=/bin/true\n")))
                .doesNotThrowAnyException();
    }
}
