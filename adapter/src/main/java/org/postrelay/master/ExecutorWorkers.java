package org.postrelay.master;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link Workers} on a plain thread pool, for the standalone daemon, embedding and tests. */
public final class ExecutorWorkers implements Workers, AutoCloseable {

    private final ExecutorService executor;

    /** A pool of up to {@code maxThreads} daemon threads named {@code postrelay-N}. */
    public ExecutorWorkers(int maxThreads) {
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "postrelay-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
