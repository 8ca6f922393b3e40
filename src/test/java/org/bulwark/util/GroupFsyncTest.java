package org.bulwark.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
}
