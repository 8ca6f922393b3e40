package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration the server cannot run says where the problem is and what it is, and nothing starts. */
class ConfigErrorsTest {

    @TempDir
    Path root;

    @Test
    void unknownRestrictionNamesTheMainCfLineThatSetsIt() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root)
                .set("smtpd_recipient_restrictions", "permit_mynetworks, reject_bogus");

        assertThatThrownBy(system::start)
                .isInstanceOf(ConfigException.class)
                .hasMessageMatching(".*main\\.cf, line \\d+: unknown restriction \"reject_bogus\" in smtpd_recipient_restrictions");
    }

    @Test
    void badValueNamesFileLineAndTheFix() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root).set("message_size_limit", "10M");

        assertThatThrownBy(system::start)
                .isInstanceOf(ConfigException.class)
                .hasMessageMatching(".*main\\.cf, line \\d+: message_size_limit = 10M: not a number of bytes; write e\\.g\\. \\d+");
    }

    @Test
    void missingTableFileIsNamed() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root)
                .set("virtual_mailbox_maps", "texthash:" + root.resolve("no-such-file"));

        assertThatThrownBy(system::start)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no-such-file").hasMessageContaining("not found");
    }
}
