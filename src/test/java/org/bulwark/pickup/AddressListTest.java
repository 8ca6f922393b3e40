package org.bulwark.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bulwark.mail.MailAddress;
import org.junit.jupiter.api.Test;

class AddressListTest {

    private static List<String> addresses(String value) {
        return AddressList.parse(value).stream().map(MailAddress::internal).toList();
    }

    @Test
    void takesTheAddressOutOfAngleBracketsAndDropsDisplayNames() {
        assertThat(addresses("\"Bob, Jr.\" <bob@example.test>, Carol <carol@example.test>"))
                .containsExactly("bob@example.test", "carol@example.test");
    }

    @Test
    void dropsCommentsAroundBareAddresses() {
        assertThat(addresses("dave@example.test (Dave), erin@example.test"))
                .containsExactly("dave@example.test", "erin@example.test");
    }

    @Test
    void readsTheMembersOfAGroupAndIgnoresAnEmptyGroup() {
        assertThat(addresses("team: a@example.test, b@example.test;")).containsExactly("a@example.test", "b@example.test");
        assertThat(addresses("undisclosed-recipients:;")).isEmpty();
    }

    @Test
    void unquotesAQuotedLocalPart() {
        assertThat(addresses("<\"john doe\"@example.test>")).containsExactly("john doe@example.test");
    }

    @Test
    void aQuotedLocalPartKeepsItsAtSign() {
        assertThat(AddressList.parse("\"a@b\", <\"c@d\"@example.test>"))
                .containsExactly(new MailAddress("a@b", null), new MailAddress("c@d", "example.test"));
    }
}
