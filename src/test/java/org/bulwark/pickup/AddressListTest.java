package org.bulwark.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressListTest {

    @Test
    void takesTheAddressOutOfAngleBracketsAndDropsDisplayNames() {
        assertThat(AddressList.parse("\"Bob, Jr.\" <bob@example.test>, Carol <carol@example.test>"))
                .containsExactly("bob@example.test", "carol@example.test");
    }

    @Test
    void dropsCommentsAroundBareAddresses() {
        assertThat(AddressList.parse("dave@example.test (Dave), erin@example.test"))
                .containsExactly("dave@example.test", "erin@example.test");
    }

    @Test
    void readsTheMembersOfAGroupAndIgnoresAnEmptyGroup() {
        assertThat(AddressList.parse("team: a@example.test, b@example.test;")).containsExactly("a@example.test", "b@example.test");
        assertThat(AddressList.parse("undisclosed-recipients:;")).isEmpty();
    }

    @Test
    void unquotesAQuotedLocalPart() {
        assertThat(AddressList.parse("<\"john doe\"@example.test>")).containsExactly("john doe@example.test");
    }
}
