package org.bulwark.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.junit.jupiter.api.Test;

/** The Received header and client= log line for encrypted, authenticated submissions, in Postfix's forms. */
class ReceivedTlsAndAuthTest {

    private static final String DATE = "Mon, 23 Nov 2026 18:00:00 +0000 (UTC)";

    private static Envelope envelope(ClientInfo client) {
        return new Envelope(MailAddress.of("carol@example.org"),
                List.of(Recipient.of(MailAddress.of("dave@example.net"))), Instant.EPOCH, client, null, null, null, false);
    }

    @Test
    void tlsAndAuthenticatedSenderLinesSitBetweenFromAndBy() {
        ClientInfo client = new ClientInfo("client.example.com", "192.0.2.1", "laptop", "ESMTPSA", "carol",
                "PLAIN", "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)", true);
        String header = CleanupTexts.receivedFromClient(envelope(client), new QueueId("4F9D21C0E2"),
                "mx.example.org", "Bulwark", DATE);
        assertThat(header).isEqualTo("""
                Received: from laptop (client.example.com [192.0.2.1])
                \t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))
                \t(No client certificate requested)
                \t(Authenticated sender: carol)
                \tby mx.example.org (Bulwark) with ESMTPSA id 4F9D21C0E2
                \tfor <dave@example.net>; Mon, 23 Nov 2026 18:00:00 +0000 (UTC)""");
    }

    @Test
    void theSaslLoginStaysOutOfTheHeaderUnlessAskedFor() {
        ClientInfo client = new ClientInfo("client.example.com", "192.0.2.1", "laptop", "ESMTPA", "carol",
                "LOGIN", null, false);
        String header = CleanupTexts.receivedFromClient(envelope(client), new QueueId("4F9D21C0E2"),
                "mx.example.org", "Bulwark", DATE);
        assertThat(header).doesNotContain("carol").doesNotContain("using").contains("with ESMTPA id");
    }

    @Test
    void theClientLineNamesTheMethodAndUser() {
        ClientInfo client = new ClientInfo("client.example.com", "192.0.2.1", "laptop", "ESMTPSA", "carol",
                "PLAIN", null, false);
        assertThat(CleanupTexts.logClient(new QueueId("4F9D21C0E2"), client))
                .isEqualTo("4F9D21C0E2: client=client.example.com[192.0.2.1], sasl_method=PLAIN, sasl_username=carol");
    }

    @Test
    void afterXforwardTheClientLineNamesTheFilterThenTheOriginalClient() {
        ClientInfo client = new ClientInfo("mail.example.com", "192.0.2.9", "mail.example.com", "ESMTP", null,
                null, null, false, null, "localhost[127.0.0.1]", "4Xyz");
        assertThat(CleanupTexts.logClient(new QueueId("4F9D21C0E2"), client)).isEqualTo(
                "4F9D21C0E2: client=localhost[127.0.0.1], orig_queue_id=4Xyz, orig_client=mail.example.com[192.0.2.9]");
        String header = CleanupTexts.receivedFromClient(envelope(client), new QueueId("4F9D21C0E2"),
                "mx.example.org", "Bulwark", DATE);
        assertThat(header).startsWith("Received: from mail.example.com (mail.example.com [192.0.2.9])");
    }
}
