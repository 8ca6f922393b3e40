package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bulwark.cli.Bulwark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark reload}, again and again, while clients are sending: every session keeps going to
 * its QUIT, every transaction gets its 250, and every message is delivered exactly once.
 */
class ReloadUnderLoadTest {

    private static final int CLIENTS = 20;
    private static final int MESSAGES = 50;
    private static final int MIN_RELOADS = 5;
    private static final String RELOADED = "reload -- version";
    private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (c\\d+-m\\d+)$");

    @TempDir
    Path root;

    private Process daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void reloadsWhileTwentyClientsSendDropNoSessionAndNoMessage() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root).set("smtpd_banner", "$myhostname ESMTP reload-0");
        system.writeConfig();
        daemon = system.startDaemon();
        try (SmtpDialogue first = system.awaitBanner()) {
            first.command("QUIT");
        }

        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        // Half way through, every client waits for the second reload, so each session spans reloads.
        CountDownLatch secondReload = new CountDownLatch(2);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> {
                try {
                    send(system, client, secondReload, acknowledged, failures);
                } finally {
                    finished.incrementAndGet();
                }
            }));
        }

        int reloads = 0;
        int duringLoad = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while ((reloads < MIN_RELOADS || finished.get() < CLIENTS) && Instant.now().isBefore(deadline)) {
            reloads++;
            system.set("smtpd_banner", "$myhostname ESMTP reload-" + reloads).writeConfig();
            assertThat(Bulwark.commandLine().execute("-c", system.conf.toString(), "reload")).isZero();
            awaitCount(system, RELOADED, reloads);
            if (finished.get() < CLIENTS) {
                duringLoad++;
            }
            secondReload.countDown();
            // The new settings are in force for the next session.
            try (SmtpDialogue probe = new SmtpDialogue(system.port(), "127.0.0.1")) {
                assertThat(probe.reply()).isEqualTo("220 mail.example.test ESMTP reload-" + reloads);
                probe.command("QUIT");
            }
            Thread.sleep(100);
        }
        for (Thread client : clients) {
            assertThat(client.join(Duration.ofMinutes(1))).isTrue();
        }
        assertThat(failures).as("replies other than expected").isEmpty();
        assertThat(acknowledged.get()).isEqualTo(CLIENTS * MESSAGES);

        Map<String, Integer> delivered = awaitDelivered(system.maildir("alice"), CLIENTS * MESSAGES);
        long twice = delivered.values().stream().filter(n -> n > 1).count();
        System.out.printf("reload under load: %d clients x %d messages, %d reloads (%d while sessions ran): "
                + "%d acknowledged, %d delivered, %d twice, %d failed replies%n", CLIENTS, MESSAGES, reloads,
                duringLoad, acknowledged.get(), delivered.size(), twice, failures.size());
        assertThat(duringLoad).isGreaterThanOrEqualTo(2);
        assertThat(delivered).hasSize(CLIENTS * MESSAGES);
        assertThat(twice).as("messages delivered more than once").isZero();
        assertThat(files(system.var.resolve("spool/active"))).isEmpty();
        assertThat(files(system.var.resolve("spool/deferred"))).isEmpty();
        assertThat(system.maillog()).doesNotContain("status=deferred").doesNotContain("lost connection");
    }

    /** One session from banner to QUIT; any reply out of place is recorded, not thrown. */
    private static void send(MailSystemFixture system, int client, CountDownLatch halfway, AtomicInteger acknowledged,
            Queue<String> failures) {
        try (SmtpDialogue smtp = system.awaitBanner()) {
            expect(smtp.command("EHLO c" + client + ".example"), "250", client, failures);
            for (int m = 0; m < MESSAGES; m++) {
                if (m == MESSAGES / 2 && !halfway.await(2, TimeUnit.MINUTES)) {
                    failures.add("client " + client + ": no reload came");
                }
                String id = "c" + client + "-m" + m;
                expect(smtp.command("MAIL FROM:<load@example.org>"), "250", client, failures);
                expect(smtp.command("RCPT TO:<alice@example.test>"), "250", client, failures);
                expect(smtp.command("DATA"), "354", client, failures);
                if (expect(smtp.command("Subject: " + id + "\r\n\r\nmessage " + id + "\r\n."), "250", client, failures)) {
                    acknowledged.incrementAndGet();
                }
            }
            expect(smtp.command("QUIT"), "221", client, failures);
        } catch (Exception | AssertionError e) {
            failures.add("client " + client + ": " + e);
        }
    }

    private static boolean expect(String reply, String code, int client, Queue<String> failures) {
        if (reply.startsWith(code + " ") || reply.startsWith(code + "-")) {
            return true;
        }
        failures.add("client " + client + ": expected " + code + ", got \"" + reply + "\"");
        return false;
    }

    private static Map<String, Integer> awaitDelivered(Path maildir, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (files(maildir.resolve("new")).size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        Thread.sleep(500); // a late duplicate would show up here
        Map<String, Integer> counts = new HashMap<>();
        for (Path file : files(maildir.resolve("new"))) {
            Matcher m = SUBJECT.matcher(Files.readString(file));
            if (m.find()) {
                counts.merge(m.group(1), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static void awaitCount(MailSystemFixture system, String text, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            String log = system.maillog();
            int n = 0;
            for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + 1)) {
                n++;
            }
            if (n >= count) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + count + " \"" + text + "\" lines in:\n" + system.maillog());
    }

    private static List<Path> files(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.toList();
        }
    }
}
