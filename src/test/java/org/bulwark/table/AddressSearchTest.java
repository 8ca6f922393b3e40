package org.bulwark.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bulwark.mail.MailAddress;
import org.junit.jupiter.api.Test;

/** mail_addr_find(3)'s default search order, as sender_bcc_maps and recipient_bcc_maps use it. */
class AddressSearchTest {

    private static final Path DIR = Path.of(".");

    private static AddressSearch search(String delimiter, String... specs) {
        return new AddressSearch(List.of(specs).stream().map(s -> LookupTables.open(s, DIR)).toList(), delimiter,
                domain -> domain.equals("example.com"));
    }

    @Test
    void keysForALocalDomainWithAnExtension() {
        assertThat(search("+-").keys(MailAddress.of("user+tag@Example.COM")))
                .containsExactly("user+tag@example.com", "user@example.com", "user+tag", "user", "@example.com");
    }

    @Test
    void keysForAnotherDomainLeaveTheLocalPartOut() {
        assertThat(search("+").keys(MailAddress.of("user@example.net")))
                .containsExactly("user@example.net", "@example.net");
        assertThat(search("").keys(MailAddress.of("user+tag@example.net")))
                .as("without recipient_delimiter there is no extension")
                .containsExactly("user+tag@example.net", "@example.net");
        assertThat(search("+").keys(MailAddress.NULL_SENDER)).isEmpty();
    }

    @Test
    void eachKeyIsAskedOfEveryTableBeforeTheNextKey() {
        AddressSearch search = search("+", "inline:{@example.net=first-table}",
                "inline:{user@example.net=second-table}");

        assertThat(search.find(MailAddress.of("user@example.net"))).contains("second-table");
        assertThat(search.find(MailAddress.of("other@example.net"))).contains("first-table");
        assertThat(search.find(MailAddress.of("user@example.org"))).isEmpty();
    }
}
