package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus endpoint ({@code metrics_listen}), scraped in the middle of a transaction and after delivery. */
class MetricsTest {

    @TempDir
    Path root;

    private static HttpResponse<String> scrape(int port) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void countsConnectionsRejectsMessagesAndDeliveries() throws Exception {
        try (MailSystemFixture system = new MailSystemFixture(root)) {
            system.set("metrics_listen", "127.0.0.1:" + MailSystemFixture.freePort()).start();
            int port = system.master().metricsPort().orElseThrow();
            try (SmtpDialogue outsider = new SmtpDialogue(system.port(), "127.0.0.2")) {
                outsider.reply();
                outsider.command("EHLO outsider.example.net");
                outsider.command("MAIL FROM:<spam@outsider.example>");
                assertThat(outsider.command("RCPT TO:<victim@elsewhere.example>")).startsWith("554");
            }
            try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
                smtp.reply();
                smtp.command("EHLO client.example.net");
                smtp.command("MAIL FROM:<carol@sender.example>");
                assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250");
                assertThat(smtp.command("DATA")).startsWith("354");

                HttpResponse<String> during = scrape(port);
                assertThat(during.statusCode()).isEqualTo(200);
                assertThat(during.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
                assertThat(during.body()).contains("bulwark_smtpd_connections_total 2\n",
                        "bulwark_smtpd_transactions_total 1\n",
                        "bulwark_messages_received_total 0\n",
                        "bulwark_queue_messages{queue=\"incoming\"} 1\n",
                        "bulwark_smtpd_rejects_total{stage=\"RCPT\",code=\"554\",reason=\"Relay access denied\"} 1\n",
                        "# TYPE bulwark_delivery_delay_seconds histogram\n",
                        "bulwark_delivery_delay_seconds_count 0\n");

                assertThat(smtp.command("Subject: metrics\r\n\r\nhello\r\n.")).startsWith("250");
            }
            system.awaitDelivered("alice", 1);
            system.awaitLog("status=sent");
            String after = scrape(port).body();
            assertThat(after).contains("bulwark_messages_received_total 1\n",
                    "bulwark_deliveries_total{status=\"sent\",transport=\"virtual\"} 1\n",
                    "bulwark_delivery_delay_seconds_bucket{le=\"+Inf\"} 1\n",
                    "bulwark_delivery_delay_seconds_count 1\n",
                    "bulwark_queue_messages{queue=\"deferred\"} 0\n");
        }
    }

    @Test
    void refusesANonLoopbackAddress() throws Exception {
        try (MailSystemFixture system = new MailSystemFixture(root)) {
            system.set("metrics_listen", "0.0.0.0:9154");
            org.assertj.core.api.Assertions.assertThatThrownBy(system::start)
                    .isInstanceOf(org.bulwark.config.ConfigException.class)
                    .hasMessageContaining("loopback address only");
        }
    }
}
