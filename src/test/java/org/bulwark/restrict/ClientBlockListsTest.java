package org.bulwark.restrict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bulwark.config.Config;
import org.junit.jupiter.api.Test;

/** The block lists a configuration asks about client addresses, read by smtpd's parser without opening anything. */
class ClientBlockListsTest {

    @Test
    void listsComeFromEveryRestrictionListAndClassButNotFromAllowListsOrNameLists() {
        Config config = Config.of(Map.of(
                "smtpd_client_restrictions", "reject_rbl_client Zen.Example.test.=127.0.0.[2..11], permit_dnswl_client wl.example.test",
                "smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination, "
                        + "check_client_access hash:/nonexistent/access, reject_rhsbl_sender dbl.example.test, strict",
                "smtpd_relay_restrictions", "permit_mynetworks, reject_rbl bl.example.test, reject_unauth_destination",
                "smtpd_restriction_classes", "strict",
                "strict", "reject_rbl_client class.example.test"));

        assertThat(ClientBlockLists.of(config)).containsExactly(
                "zen.example.test", "bl.example.test", "class.example.test");
    }

    @Test
    void postscreenSitesCountUnlessTheirWeightIsNegative() {
        Config config = Config.of(Map.of("postscreen_dnsbl_sites",
                "zen.example.test=127.0.0.[2..11]*3, bl.example.test*2, wl.example.test=127.0.[0..255].[1..3]*-2, plain.example.test"));

        assertThat(ClientBlockLists.of(config)).containsExactly("zen.example.test", "bl.example.test", "plain.example.test");
    }

    @Test
    void aListSmtpdWouldRefuseIsLeftOutAndTheOthersStay() {
        Config config = Config.of(Map.of(
                "smtpd_client_restrictions", "no_such_restriction, reject_rbl_client lost.example.test",
                "smtpd_helo_restrictions", "reject_rbl_client kept.example.test"));

        assertThat(ClientBlockLists.of(config)).containsExactly("kept.example.test");
    }
}
