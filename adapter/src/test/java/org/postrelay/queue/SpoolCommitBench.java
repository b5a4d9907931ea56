package org.postrelay.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Microbenchmark of the commit path (not a test): 1.5 KiB messages made durable by 1 and by 20
 * threads; prints commits/s, p50/p99 latency of create+write+commit, and messages per directory
 * fsync of incoming/ (without journal) or per journal force (with). Arguments: [spool parent directory
 * (default: a temporary one)] [seconds per run (default 5)] [journal|direct|both (default both)].
 */
public final class SpoolCommitBench {

    private static final byte[] MESSAGE = message();

    private SpoolCommitBench() {
    }

    public static void main(String[] args) throws Exception {
        Path parent = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"));
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        String mode = args.length > 2 ? args[2] : "both";
        System.out.printf("spool commit benchmark: %d-byte messages, %.0f s per run, under %s%n",
                MESSAGE.length, seconds, parent);
        run(parent, 4, 1, false, false);                          // warm-up: JIT and page cache
        for (boolean journal : new boolean[] {false, true}) {
            if (mode.equals("both") || mode.equals(journal ? "journal" : "direct")) {
                for (int threads : new int[] {1, 20}) {
                    run(parent, seconds, threads, true, journal);
                }
            }
        }
    }

    private static void run(Path parent, double seconds, int threads, boolean print, boolean journal) throws Exception {
        Path dir = Files.createTempDirectory(parent, "spool-bench-");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ExecutorService background = Executors.newCachedThreadPool();   // the journal's tasks
        try (Spool spool = Spool.open(dir)) {
            if (journal) {
                spool.startJournal(background, id -> { });
            }
            CountDownLatch start = new CountDownLatch(1);
            long[] deadline = new long[1];
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    long[] latencies = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < deadline[0]) {
                        long began = System.nanoTime();
                        commitOne(spool);
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = System.nanoTime() - began;
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            long began = System.nanoTime();
            deadline[0] = began + (long) (seconds * 1e9);
            start.countDown();
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : results) {
                all.add(f.get());
            }
            double elapsed = (System.nanoTime() - began) / 1e9;
            long[] latencies = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            SpoolStats stats = spool.stats();
            if (print) {
                System.out.printf("%s threads=%2d  commits=%7d  %8.0f commits/s  p50=%6.2f ms  p99=%6.2f ms  "
                                + "p99.9=%6.2f ms  fsyncs=%6d  messages/fsync=%5.2f%n", journal ? "journal" : "direct ",
                        threads, stats.commits(), stats.commits() / elapsed, percentile(latencies, 50),
                        percentile(latencies, 99), percentile(latencies, 99.9),
                        stats.incomingFsyncs() + stats.acceptForces(), stats.commitsPerAcceptFsync());
            }
        } finally {
            pool.shutdownNow();
            background.shutdownNow();
            deleteTree(dir);
        }
    }

    private static void commitOne(Spool spool) throws IOException {
        try (SpoolWriter writer = spool.create("bench@example.com", List.of("sink@example.org"), Map.of("origin", "bench"),
                Instant.now(), null)) {
            OutputStream out = writer.content();
            out.write(MESSAGE);
            writer.commit();
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static byte[] message() {
        StringBuilder b = new StringBuilder("From: bench@example.com\r\nTo: sink@example.org\r\nSubject: bench\r\n\r\n");
        while (b.length() < 1536 - 78) {
            b.append("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123\r\n");
        }
        while (b.length() < 1536 - 2) {
            b.append('x');
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
