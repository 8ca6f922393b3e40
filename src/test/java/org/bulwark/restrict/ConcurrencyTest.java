package org.bulwark.restrict;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bulwark.config.Config;
import org.junit.jupiter.api.Test;

/** One parsed configuration serves many sessions at once. */
class ConcurrencyTest {

    @Test
    void answersTheSameFromManyThreadsAsFromOne() throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("mydestination", "example.com");
        values.put("mynetworks", "127.0.0.0/8");
        values.put("local_recipient_maps", "inline:{alice=x, bob=x, carol=x}");
        values.put("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination");
        values.put("smtpd_restriction_classes", "strict");
        values.put("strict", "reject");
        values.put("smtpd_recipient_restrictions",
                "check_recipient_access inline:{{bob@example.com = permit_mynetworks strict},"
                        + " carol@example.com=strict}");
        Config config = Config.of(values);
        SmtpdRestrictions restrictions = new SmtpdRestrictions(config, TestEnvironment.of(config, Path.of(".")), null);
        List<String> probes = List.of(
                "client=192.0.2.1 rcpt=alice@example.com",
                "client=192.0.2.1 rcpt=bob@example.com",
                "client=127.0.0.1 rcpt=bob@example.com",
                "client=192.0.2.1 rcpt=carol@example.com",
                "client=192.0.2.1 rcpt=u@elsewhere.example",
                "client=192.0.2.1 rcpt=nobody@example.com");
        List<Decision> expected = probes.stream()
                .map(p -> restrictions.check(Stage.RCPT, Probes.context(p))).toList();

        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 500; round++) {
                        for (int i = 0; i < probes.size(); i++) {
                            Decision answer = restrictions.check(Stage.RCPT, Probes.context(probes.get(i)));
                            if (!answer.equals(expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
        }

        for (Future<Boolean> result : results) {
            assertThat(result.get()).isTrue();
        }
        assertThat(expected).extracting(Decision::accepted).containsExactly(true, false, true, false, false, false);
    }
}
