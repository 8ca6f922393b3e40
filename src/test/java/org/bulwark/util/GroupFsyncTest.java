package org.bulwark.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupFsyncTest {

    @TempDir
    Path dir;

    @Test
    void aSyncCoversEveryTicketTakenBeforeIt() throws IOException {
        GroupFsync sync = new GroupFsync(dir);
        long ticket = sync.ticket();
        assertThat(sync.covered(ticket)).isFalse();

        sync.sync();

        assertThat(sync.covered(ticket)).isTrue();
        assertThat(sync.covered(sync.ticket())).isFalse();
    }

    @Test
    void aDirectoryKeptOpenIsOpenedAgainAfterAFailedSync() throws IOException {
        GroupFsync sync = GroupFsync.keepingOpen(dir);
        sync.sync();
        sync.sync();

        // An interrupt closes the channel of a thread's fsync; the error is reported, not kept.
        Thread.currentThread().interrupt();
        try {
            sync.sync();
        } catch (IOException closedByInterrupt) {
            // expected on most runs; reported to the caller
        } finally {
            Thread.interrupted();
        }
        long ticket = sync.ticket();
        sync.sync();

        assertThat(sync.covered(ticket)).isTrue();
    }

    @Test
    void syncSoonCoversItsChangesWithoutAnyoneCallingSync() throws IOException, InterruptedException {
        GroupFsync sync = new GroupFsync(dir);
        Files.createFile(dir.resolve("renamed"));
        long ticket = sync.ticket();

        sync.syncSoon(Duration.ofMillis(10));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!sync.covered(ticket) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(sync.covered(ticket)).isTrue();
    }

    @Test
    void aFailingDelayedSyncIsLeftToTheNextCallerToReport() throws IOException, InterruptedException {
        Path gone = dir.resolve("gone");
        Files.createDirectory(gone);
        GroupFsync sync = new GroupFsync(gone);
        Files.delete(gone);

        sync.syncSoon(Duration.ofMillis(1)); // must not throw, here or in its thread

        org.assertj.core.api.Assertions.assertThatThrownBy(sync::sync).isInstanceOf(IOException.class);
    }

    @Test
    void callersArrivingWhileOneGathersShareItsFsync() throws Exception {
        GroupFsync sync = new GroupFsync(dir);
        long before = sync.ticket();
        List<Thread> callers = new ArrayList<>();
        List<Long> tickets = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            Files.createFile(dir.resolve("message-" + i));
            tickets.add(sync.ticket());
            callers.add(Thread.ofVirtual().start(() -> syncGathering(sync, Duration.ofSeconds(2))));
            Thread.sleep(20); // apart: each plain sync would have been an fsync of its own
        }
        for (Thread caller : callers) {
            caller.join();
        }

        assertThat(tickets).allMatch(sync::covered);
        // One, unless a very slow machine let the gathering end before the last caller came.
        assertThat(sync.ticket() - before).as("fsyncs done").isBetween(1L, 2L);
    }

    @Test
    void aPlainSyncDoesNotWaitForAGatheringOne() throws Exception {
        GroupFsync sync = new GroupFsync(dir);
        java.util.concurrent.CountDownLatch gathered = new java.util.concurrent.CountDownLatch(1);
        Thread gatherer = Thread.ofVirtual().start(() -> {
            syncGathering(sync, Duration.ofSeconds(30));
            gathered.countDown();
        });
        Thread.sleep(50);

        long ticket = sync.ticket();
        sync.sync();

        assertThat(sync.covered(ticket)).isTrue();
        assertThat(gathered.getCount()).as("the gathering caller still waits").isEqualTo(1);
        gatherer.interrupt(); // ends the wait: it syncs at once, or finds itself covered
        gatherer.join();
    }

    @Test
    void aCallerThatJoinedAGatheringReturnsWhenAPlainSyncCoveredIt() throws Exception {
        GroupFsync sync = new GroupFsync(dir);
        Thread gatherer = Thread.ofVirtual().start(() -> syncGathering(sync, Duration.ofMillis(500)));
        Thread.sleep(50);
        Thread joiner = Thread.ofVirtual().start(() -> syncGathering(sync, Duration.ofMillis(500)));
        Thread.sleep(50);

        sync.sync(); // covers both: the gathering ends with nothing left to do

        assertThat(gatherer.join(Duration.ofSeconds(30))).as("the gathering caller returned").isTrue();
        assertThat(joiner.join(Duration.ofSeconds(30))).as("the caller that joined it returned").isTrue();
    }

    private static void syncGathering(GroupFsync sync, Duration gather) {
        try {
            sync.syncGathering(gather);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aGatheringCallerInterruptedSyncsAtOnceAndKeepsItsInterrupt() throws Exception {
        GroupFsync sync = new GroupFsync(dir);
        long ticket = sync.ticket();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean interruptKept = new java.util.concurrent.atomic.AtomicBoolean();
        Thread gatherer = Thread.ofVirtual().start(() -> {
            try {
                sync.syncGathering(Duration.ofSeconds(30));
                interruptKept.set(Thread.currentThread().isInterrupted());
            } catch (IOException e) {
                failure.set(e);
            }
        });
        Thread.sleep(50);

        gatherer.interrupt(); // a stop: the delivery it serves is in new/ already and must be synced

        assertThat(gatherer.join(Duration.ofSeconds(30))).isTrue();
        assertThat(failure.get()).as("the fsync of an interrupted caller").isNull();
        assertThat(sync.covered(ticket)).isTrue();
        assertThat(interruptKept.get()).isTrue();
    }
}
