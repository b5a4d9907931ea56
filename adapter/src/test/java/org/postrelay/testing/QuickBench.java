package org.postrelay.testing;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.postrelay.api.RelayConnection;
import org.postrelay.master.Master;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.SpoolStats;

/**
 * A quick local figure, not a test: send() throughput and latency with 1 and 20 callers (durable on
 * return), and end-to-end rate to Postfix's smtp-sink on loopback, with messages per fsync on the
 * accept path and CPU time per message. A warm-up run (20 senders, {@code -Dwarmup=20000} messages,
 * not printed; 0: none) comes first: the JIT compiler otherwise takes a quarter of the CPU.
 * The benchmark issue makes this rigorous (medians, Postfix and Angus side by side).
 *
 * <p>{@code java -cp "$(cat cp.txt):adapter/target/classes:adapter/target/test-classes"
 * org.postrelay.testing.QuickBench [messages [senders ...]]} (senders: default 1, then 20)
 */
public final class QuickBench {

    private QuickBench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        byte[] body = ("Subject: bench\r\nFrom: app@example.com\r\n\r\n" + "x".repeat(76).concat("\r\n").repeat(19))
                .getBytes(StandardCharsets.US_ASCII);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process sink = new ProcessBuilder("smtp-sink", "-u", "nobody", "-c", "127.0.0.1:" + port, "256")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path dir = Files.createTempDirectory("postrelay-bench");
        try {
            Thread.sleep(300);
            int[] senders = args.length > 1 ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt)
                    .toArray() : new int[] {1, 20};
            int warmUp = Integer.getInteger("warmup", 20_000);
            if (warmUp > 0) {
                run(dir.resolve("warm-up"), port, 20, warmUp, body, false);   // JIT: a server runs warm
            }
            for (int threads : senders) {
                run(dir.resolve("t" + threads), port, threads, threads == 1 ? messages / 5 : messages, body, true);
            }
        } finally {
            sink.destroy();
        }
    }

    private static void run(Path dir, int port, int threads, int messages, byte[] body, boolean print)
            throws Exception {
        try (Master master = Master.start(Map.of("relayhost", "[127.0.0.1]:" + port,
                "queue_directory", dir.resolve("spool").toString(), "maillog_file", dir.resolve("maillog").toString(),
                "myhostname", "bench.example.com"))) {
            long cpuStart = cpuNanos();
            long[] latencies = new long[messages];
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    try (RelayConnection c = master.connectionFactory().getConnection()) {
                        for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                            long t0 = System.nanoTime();
                            c.send("app@example.com", List.of("r" + (i % 50) + "@example.org"),
                                    new ByteArrayInputStream(body));
                            latencies[i] = System.nanoTime() - t0;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            long accepted = System.nanoTime();
            long cpuAccepted = cpuNanos();
            pool.shutdown();
            while (master.spool().stats().removes() < messages) {   // a directory scan would cost the engine CPU
                Thread.sleep(5);
            }
            long drained = System.nanoTime();
            long cpuDrained = cpuNanos();
            Arrays.sort(latencies);
            SpoolStats stats = master.spool().stats();
            if (!print) {
                return;
            }
            System.out.printf("%2d senders, %d msgs of %d bytes: accept %.0f msg/s (p50 %.2f ms, p99 %.2f ms, "
                            + "p99.9 %.2f ms), end to end %.0f msg/s, %.1f msgs per accept fsync, deferred %d; "
                            + "CPU %.0f us/msg to accept, %.0f us/msg end to end%n",
                    threads, messages, body.length, messages / secs(accepted - start),
                    latencies[messages / 2] / 1e6, latencies[(int) (messages * 0.99)] / 1e6,
                    latencies[(int) (messages * 0.999)] / 1e6, messages / secs(drained - start),
                    stats.commitsPerAcceptFsync(), master.spool().count(QueueName.DEFERRED),
                    (cpuAccepted - cpuStart) / 1e3 / messages, (cpuDrained - cpuStart) / 1e3 / messages);
        }
    }

    /** CPU time of this process (all threads, JIT and GC included). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double secs(long nanos) {
        return nanos / (double) TimeUnit.SECONDS.toNanos(1);
    }
}
