package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigLoader;
import org.bulwark.config.LoadedConfig;
import org.bulwark.config.ServiceEntry;
import org.bulwark.restrict.SmtpdRestrictions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real-host configuration in packaging/ loads without a warning, and every restriction in it is built. */
class PackagingTest {

    private static final Path ETC = Path.of("packaging/etc/bulwark");

    @TempDir
    Path root;

    /** The files as installed, with /etc/bulwark/ pointing at a copy, so that the tables are found. */
    @Test
    void theRealHostConfigurationLoadsCleanly() throws Exception {
        try (var files = Files.list(ETC)) {
            for (Path file : files.toList()) {
                Files.writeString(root.resolve(file.getFileName().toString()),
                        Files.readString(file).replace("/etc/bulwark/", root + "/"));
            }
        }
        LoadedConfig loaded = ConfigLoader.load(root);

        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.services()).filteredOn(s -> s.type().equals("inet")).extracting(ServiceEntry::service)
                .containsExactly("smtp", "submission", "smtps");
        for (ServiceEntry service : loaded.services()) {
            if (service.command().equals("smtpd")) {
                try (SmtpdRestrictions restrictions = new SmtpdRestrictions(loaded.main().with(service.overrides()),
                        null, null)) {
                    assertThat(restrictions.warnings()).as(service.service()).isEmpty();
                }
            }
        }
    }

    @Test
    void theUnitRunsUnprivilegedWithOnlyTheBindCapability() throws Exception {
        String unit = Files.readString(Path.of("packaging/bulwark.service"));
        assertThat(unit).contains("User=bulwark", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ExecReload=/bin/kill -HUP $MAINPID", "-c /etc/bulwark start-fg");
    }
}
