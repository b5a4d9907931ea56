package org.postrelay.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncTest {

    @TempDir
    Path dir;

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    private static Throwable outcome(CompletableFuture<Void> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("sync did not return", e);
        }
    }

    private static CompletableFuture<Void> syncAsync(DirectorySync sync) {
        return CompletableFuture.runAsync(() -> {
            try {
                sync.sync();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> new Thread(r).start());
    }

    @Test
    void callersArrivingDuringAnFsyncShouldShareTheNextOneAndAllGetItsFailure() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        IOException diskError = new IOException("Input/output error");
        DirectorySync sync = new DirectorySync(dir, d -> {
            if (calls.incrementAndGet() == 1) {
                firstStarted.countDown();
                try {
                    releaseFirst.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            } else {
                throw diskError;
            }
        });

        CompletableFuture<Void> leader = syncAsync(sync);
        assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> second = syncAsync(sync);
        CompletableFuture<Void> third = syncAsync(sync);
        await("both late callers wait", () -> sync.waiting() == 3);
        assertEquals(1, calls.get(), "no second fsync while the first runs");
        releaseFirst.countDown();

        assertNull(outcome(leader), "the first fsync succeeded");
        assertSame(diskError, outcome(second));            // covered by the failed second fsync
        assertSame(diskError, outcome(third));
        assertEquals(2, calls.get(), "one fsync for both late callers");
        assertEquals(2, sync.fsyncs());
        assertEquals(0, sync.waiting());
    }

    @Test
    void aLoneCallerShouldFsyncTheRealDirectory() throws Exception {
        DirectorySync sync = new DirectorySync(dir, DirectorySync.platformSyncer());
        sync.sync();
        sync.sync();
        assertEquals(2, sync.fsyncs());
    }
}
