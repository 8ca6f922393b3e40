package org.bulwark.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A published TXT record read as a receiver reads it. */
class DmarcRecordTest {

    @Test
    void aDmarcRecordIsPublishedOnlyWithAValidPolicy() {
        assertThat(DmarcRecord.published("v=DMARC1; p=reject; rua=mailto:d@example.test"))
                .map(DmarcRecord::policy).contains(DmarcRecord.Policy.REJECT);
        assertThat(DmarcRecord.published("v=DMARC1; p=maybe")).isEmpty();
        assertThat(DmarcRecord.published("v=DMARC1; rua=mailto:d@example.test")).isEmpty();
        assertThat(DmarcRecord.published("v=spf1 -all")).isEmpty();
    }
}
