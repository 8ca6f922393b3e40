package org.bulwark.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify(8)'s cache rules, with a clock the test moves: probes, expiry, refresh, negative caching. */
class AddressVerifierTest {

    private static final MailAddress USER = MailAddress.of("user@remote.test");

    @TempDir
    Path dir;
    private final List<String> probes = new ArrayList<>();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final MailLog.Logger log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8),
            "mail.example.test", "postfix").program("verify");
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    };

    private AddressVerifier verifier(String... settings) {
        Map<String, String> values = new HashMap<>();
        values.put("myhostname", "mail.example.test");
        values.put("data_directory", dir.toString());
        values.put("address_verify_map", "btree:" + dir.resolve("verify_cache"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return AddressVerifier.open(Config.of(values), (sender, to) -> {
            probes.add(sender.external() + " -> " + to.external());
            return "PROBE" + probes.size();
        }, log, clock);
    }

    @Test
    void anUnknownAddressIsProbedOnceAndAnsweredInProgressUntilItsResultComes() {
        try (AddressVerifier v = verifier()) {
            assertThat(v.query(USER)).isEqualTo(new AddressVerifier.Answer(VerifyStatus.TODO,
                    "Address verification in progress"));
            assertThat(v.query(USER).status()).isEqualTo(VerifyStatus.TODO);
            assertThat(probes).containsExactly("double-bounce@mail.example.test -> user@remote.test");

            assertThat(v.update(USER, VerifyStatus.BOUNCE, "host mx said: 550 5.1.1 unknown")).isEqualTo("undeliverable");
            assertThat(v.query(USER)).isEqualTo(new AddressVerifier.Answer(VerifyStatus.BOUNCE,
                    "host mx said: 550 5.1.1 unknown"));
            assertThat(probes).hasSize(1);
        }
    }

    @Test
    void aNegativeAnswerIsRefreshedAfterThreeHoursAndKeptWhileTheProbeIsOut() {
        try (AddressVerifier v = verifier()) {
            v.query(USER);
            v.update(USER, VerifyStatus.BOUNCE, "refused");
            now = now.plus(Duration.ofHours(3)).plusSeconds(1);
            assertThat(v.query(USER).status()).isEqualTo(VerifyStatus.BOUNCE);
            assertThat(probes).hasSize(2);
            // The answer expires after 3 days; once it has, and no probe is out, it is unknown again.
            now = now.plus(Duration.ofDays(3));
            assertThat(v.query(USER).status()).isEqualTo(VerifyStatus.TODO);
            assertThat(probes).hasSize(3);
        }
    }

    @Test
    void aFailedProbeDoesNotReplaceAGoodAnswer() {
        try (AddressVerifier v = verifier()) {
            v.query(USER);
            v.update(USER, VerifyStatus.OK, "250 2.1.5 Ok");
            v.update(USER, VerifyStatus.DEFER, "connection refused");
            assertThat(v.query(USER)).isEqualTo(new AddressVerifier.Answer(VerifyStatus.OK, "250 2.1.5 Ok"));
        }
    }

    @Test
    void withoutANegativeCacheOnlyGoodAnswersAreKept() {
        try (AddressVerifier v = verifier("address_verify_negative_cache", "no")) {
            v.query(USER);
            assertThat(v.update(USER, VerifyStatus.BOUNCE, "refused")).isEqualTo("undeliverable-but-not-cached");
            assertThat(v.query(USER).status()).isEqualTo(VerifyStatus.TODO);
        }
    }

    @Test
    void theFileKeepsAnswersAcrossARestart() throws Exception {
        try (AddressVerifier v = verifier()) {
            v.query(USER);
            v.update(USER, VerifyStatus.OK, "250 2.1.5 Ok");
        }
        assertThat(Files.readString(dir.resolve("verify_cache"))).contains("user@remote.test");
        try (AddressVerifier v = verifier()) {
            assertThat(v.query(USER)).isEqualTo(new AddressVerifier.Answer(VerifyStatus.OK, "250 2.1.5 Ok"));
        }
    }

    @Test
    void theCleanupRunDropsExpiredAnswersFromTheFile() throws Exception {
        try (AddressVerifier v = verifier("address_verify_cache_cleanup_interval", "1s",
                "address_verify_negative_expire_time", "1s")) {
            v.query(USER);
            v.update(USER, VerifyStatus.BOUNCE, "refused");
            String line = "cache btree:" + dir.resolve("verify_cache") + " full cleanup: retained=0 dropped=1 entries";
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (!logBytes.toString(StandardCharsets.UTF_8).contains(line) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains(line);
            assertThat(Files.readString(dir.resolve("verify_cache"))).doesNotContain("user@remote.test");
        }
    }

    @Test
    void theProbeSenderFollowsAddressVerifySenderAndItsTtl() {
        try (AddressVerifier v = verifier("address_verify_sender", "<>")) {
            assertThat(v.probeSender().isNullSender()).isTrue();
        }
        try (AddressVerifier v = verifier("address_verify_sender", "probe@example.test",
                "address_verify_sender_ttl", "1h")) {
            long epoch = now.getEpochSecond() / 3600;
            assertThat(v.probeSender().external()).isEqualTo("probe" + Long.toString(epoch, 31) + "@example.test");
        }
    }

    @Test
    void pastThePendingLimitNewAddressesStayInProgressWithoutAProbe() {
        try (AddressVerifier v = verifier("address_verify_pending_request_limit", "1")) {
            v.query(USER);
            assertThat(v.query(MailAddress.of("other@remote.test")).status()).isEqualTo(VerifyStatus.TODO);
            assertThat(probes).hasSize(1);
            assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("address_verify_pending_request_limit");
        }
    }
}
