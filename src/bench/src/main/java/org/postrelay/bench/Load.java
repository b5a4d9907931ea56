package org.postrelay.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load: {@code threads} callers share {@code messages} calls, each caller starting
 * its next call as soon as the last returned; the latency of every call is kept. The callers set
 * up (connect) before the clock starts.
 */
final class Load {

    /**
     * One caller's resources (a RelayConnection, a Session): {@code prepare(i)} builds call i's
     * message (the application's work, counted in the rate, not in the latency), {@code call()}
     * is the call the application waits on, the one timed.
     */
    interface Caller extends AutoCloseable {
        void prepare(int i) throws Exception;

        void call() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    interface CallerFactory {
        Caller open() throws Exception;
    }

    /** What a load did: wall time and every call's latency, sorted. */
    record Result(long startNanos, long endNanos, long[] sortedLatencies) {

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double rate() {
            return sortedLatencies.length / seconds();
        }

        /** The latency at quantile q (0.99 = p99) in milliseconds; the maximum when q*n rounds past it. */
        double percentileMillis(double q) {
            return Stats.percentile(sortedLatencies, q) / 1e6;
        }
    }

    private Load() {
    }

    static Result run(int threads, int messages, CallerFactory factory) throws Exception {
        long[] latencies = new long[messages];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try (Caller caller = factory.open()) {
                    ready.countDown();
                    go.await();
                    for (int i = next.getAndIncrement(); i < messages && failure.get() == null;
                            i = next.getAndIncrement()) {
                        caller.prepare(i);
                        long t0 = System.nanoTime();
                        caller.call();
                        latencies[i] = System.nanoTime() - t0;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    ready.countDown();
                }
            }, "load-" + t);
            worker.start();
            workers.add(worker);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        long end = System.nanoTime();
        if (failure.get() != null) {
            throw new IllegalStateException("a caller failed: " + failure.get(), failure.get());
        }
        Arrays.sort(latencies);
        return new Result(start, end, latencies);
    }
}
