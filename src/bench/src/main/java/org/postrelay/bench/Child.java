package org.postrelay.bench;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.postrelay.api.RelayConnection;
import org.postrelay.master.Master;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;
import org.postrelay.queue.SpoolStats;

/**
 * One measurement in a JVM of its own, started by {@link Bench}: a warm-up run, then the measured
 * runs, each printed as {@code RESULT key value} lines on standard output ({@code INFO} lines are
 * progress). A JVM per measurement keeps JIT and heap state of one figure out of the next.
 *
 * <pre>
 * api   sink|slow THREADS MESSAGES WARMUP RUNS [profile=FILE.jfr]
 * angus sink|slow|HOST:PORT THREADS MESSAGES WARMUP RUNS [settle=DIR,DIR...]
 * scale-fill    SPOOL RELAYPORT MESSAGES THREADS
 * scale-restart SPOOL RELAYPORT DRAIN_WINDOWS WINDOW_SECONDS
 * </pre>
 */
public final class Child {

    /** Each reply of the realistic relay waits this long. */
    static final Duration SLOW_REPLY = Duration.ofMillis(10);

    private Child() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "api" -> api(args);
            case "angus" -> angus(args);
            case "scale-fill" -> scaleFill(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "scale-restart" -> scaleRestart(Path.of(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
        }
        System.exit(0);                                  // smtp-sink readers and engine threads are daemons or closed
    }

    static void result(String key, double value) {
        System.out.println("RESULT " + key + " " + value);
    }

    static void info(String text) {
        System.out.println("INFO " + text);
    }

    // ---- scenario 1, 2 and 6: RelayConnection.send on an embedded engine ----

    /** The peer the engine relays to, counting what it received. */
    private interface Peer extends AutoCloseable {
        int port();

        long count();

        /** Connections the peer accepted (smtp-sink's count is not read: 0). */
        long connections();

        long await(long target, Duration timeout) throws InterruptedException, TimeoutException;

        @Override
        void close() throws IOException;
    }

    private static Peer peer(String kind) throws IOException, InterruptedException {
        if (kind.equals("slow")) {
            SlowSmtpPeer slow = new SlowSmtpPeer(SLOW_REPLY);
            return new Peer() {
                public int port() {
                    return slow.port();
                }

                public long count() {
                    return slow.delivered();
                }

                public long connections() {
                    return slow.connections();
                }

                public long await(long target, Duration timeout) throws InterruptedException, TimeoutException {
                    return slow.awaitDelivered(target, timeout);
                }

                public void close() throws IOException {
                    slow.close();
                }
            };
        }
        SmtpSink sink = SmtpSink.start(0);
        return new Peer() {
            public int port() {
                return sink.port();
            }

            public long count() {
                return sink.count();
            }

            public long connections() {
                return 0;
            }

            public long await(long target, Duration timeout) throws InterruptedException, TimeoutException {
                return sink.awaitCount(target, timeout);
            }

            public void close() {
                sink.close();
            }
        };
    }

    static Map<String, String> engineParameters(Path dir, int relayPort) {
        Map<String, String> p = new HashMap<>();
        p.put("relayhost", "[127.0.0.1]:" + relayPort);
        p.put("queue_directory", dir.resolve("spool").toString());
        p.put("maillog_file", dir.resolve("maillog").toString());
        p.put("myhostname", "bench.example.com");
        p.put("mydestination", "");
        return p;
    }

    private static void api(String[] a) throws Exception {
        String relay = a[1];
        int threads = Integer.parseInt(a[2]);
        int messages = Integer.parseInt(a[3]);
        int warmup = Integer.parseInt(a[4]);
        int runs = Integer.parseInt(a[5]);
        Path profile = a.length > 6 && a[6].startsWith("profile=") ? Path.of(a[6].substring(8)) : null;
        Path base = Files.createTempDirectory("postrelay-bench-api");
        try (Peer peer = peer(relay)) {
            apiRun(base.resolve("warmup"), peer, threads, warmup, null, null);
            info("warm-up done");
            for (int run = 0; run < runs; run++) {
                Recording recording = profile == null ? null : startRecording(profile);
                apiRun(base.resolve("run" + run), peer, threads, messages, "", recording);
                info("run " + (run + 1) + " of " + runs + " done");
            }
        } finally {
            deleteTree(base);
        }
    }

    private static void apiRun(Path dir, Peer peer, int threads, int messages, String report, Recording recording)
            throws Exception {
        Session session = Session.getInstance(new Properties());
        long before = peer.count();
        long connectionsBefore = peer.connections();
        try (Master master = Master.start(engineParameters(dir, peer.port()))) {
            long cpu0 = processCpuNanos();
            Load.Result r = Load.run(threads, messages, () -> {
                RelayConnection c = master.connectionFactory().getConnection();
                return new Load.Caller() {
                    MimeMessage next;

                    public void prepare(int i) throws Exception {
                        next = Messages.create(session, i);
                    }

                    public void call() throws Exception {
                        c.send(next);
                    }

                    public void close() {
                        c.close();
                    }
                };
            });
            long delivered = peer.await(before + messages, Duration.ofSeconds(Math.max(180, messages / 20)));
            long cpu1 = processCpuNanos();
            if (recording != null) {
                recording.stop();
                recording.close();
            }
            SpoolStats stats = master.spool().stats();
            long deferred = master.spool().count(QueueName.DEFERRED);
            if (deferred > 0) {
                throw new IllegalStateException(deferred + " messages deferred: the figures would not be end to end");
            }
            if (report != null) {
                result("accept_rate", r.rate());
                result("p50_ms", r.percentileMillis(0.50));
                result("p99_ms", r.percentileMillis(0.99));
                result("p999_ms", r.percentileMillis(0.999));
                result("e2e_rate", messages / ((delivered - r.startNanos()) / 1e9));
                result("per_accept_fsync", stats.commitsPerAcceptFsync());
                result("commits", stats.commits());
                result("cpu_s_per_1000", (cpu1 - cpu0) / 1e9 / (messages / 1000.0));
                if (peer.connections() > 0) {               // the slow peer counts them; smtp-sink's are not read
                    result("peer_connections", peer.connections() - connectionsBefore);
                }
            }
        }
        long extra = peer.count() - before - messages;
        if (extra != 0) {
            throw new IllegalStateException("the peer counted " + extra + " messages more than were sent");
        }
        deleteTree(dir);
    }

    private static Recording startRecording(Path file) throws Exception {
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(2));
        recording.enable("jdk.FileForce").withThreshold(Duration.ZERO).withStackTrace();
        recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ofMillis(1));
        recording.enable("jdk.ThreadPark").withThreshold(Duration.ofMillis(1));
        recording.setDestination(file);
        recording.start();
        return recording;
    }

    // ---- scenario 5 and 6, and the latency counterpart of 1: Transport.send ----

    private static void angus(String[] a) throws Exception {
        String target = a[1];
        int threads = Integer.parseInt(a[2]);
        int messages = Integer.parseInt(a[3]);
        int warmup = Integer.parseInt(a[4]);
        int runs = Integer.parseInt(a[5]);
        List<Path> settle = new ArrayList<>();
        if (a.length > 6 && a[6].startsWith("settle=")) {
            for (String d : a[6].substring(7).split(",")) {
                settle.add(Path.of(d));
            }
        }
        Peer peer = target.equals("sink") || target.equals("slow") ? peer(target) : null;
        String host = peer != null ? "127.0.0.1" : target.substring(0, target.lastIndexOf(':'));
        int port = peer != null ? peer.port() : Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.localhost", "bench.example.com");
        props.put("mail.smtp.connectiontimeout", "30000");
        props.put("mail.smtp.timeout", "60000");
        Session session = Session.getInstance(props);
        try {
            for (int run = -1; run < runs; run++) {
                awaitEmpty(settle);
                long before = peer == null ? 0 : peer.count();
                int n = run < 0 ? warmup : messages;
                long cpu0 = processCpuNanos();
                Load.Result r = Load.run(threads, n, () -> new Load.Caller() {
                    MimeMessage next;

                    public void prepare(int i) throws Exception {
                        next = Messages.create(session, i);
                    }

                    public void call() throws Exception {
                        Transport.send(next);
                    }
                });
                if (peer != null && peer.count() - before != n) {
                    peer.await(before + n, Duration.ofSeconds(10));
                }
                if (run >= 0) {
                    result("cpu_s_per_1000", (processCpuNanos() - cpu0) / 1e9 / (n / 1000.0));
                    result("rate", r.rate());
                    result("p50_ms", r.percentileMillis(0.50));
                    result("p99_ms", r.percentileMillis(0.99));
                    result("p999_ms", r.percentileMillis(0.999));
                }
                info(run < 0 ? "warm-up done" : "run " + (run + 1) + " of " + runs + " done");
            }
        } finally {
            if (peer != null) {
                peer.close();
            }
        }
    }

    /** Waits until no file is left in the given queue directories (another MTA has delivered all). */
    private static void awaitEmpty(List<Path> directories) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        for (Path d : directories) {
            long files;
            while ((files = countFiles(d)) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(files + " files still in " + d + " after 5 minutes");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Regular files under a directory, tolerating files that the MTA moves or removes meanwhile. */
    private static long countFiles(Path dir) throws IOException {
        long n = 0;
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    n += countFiles(p);
                } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    n++;
                }
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            return n;
        }
        return n;
    }

    // ---- scenario 7: a million messages queued while the relay is down ----

    private static void scaleFill(Path dir, int relayPort, int messages, int threads) throws Exception {
        Session session = Session.getInstance(new Properties());
        HeapWatch heap = HeapWatch.start();
        Master master = Master.start(engineParameters(dir, relayPort));
        try {
            int step = Math.max(1, messages / 10);
            Load.Result r = Load.run(threads, messages, () -> {
                RelayConnection c = master.connectionFactory().getConnection();
                return new Load.Caller() {
                    MimeMessage next;

                    public void prepare(int i) throws Exception {
                        next = Messages.create(session, i);
                        if (i > 0 && i % step == 0) {
                            info("queued " + i + " of " + messages);
                        }
                    }

                    public void call() throws Exception {
                        c.send(next);
                    }

                    public void close() {
                        c.close();
                    }
                };
            });
            result("fill_rate", r.rate());
            result("fill_p99_ms", r.percentileMillis(0.99));
            result("fill_heap_mb", heap.afterGcMegabytes());
            Spool spool = master.spool();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long incoming = spool.count(QueueName.INCOMING);
            long active = spool.count(QueueName.ACTIVE);
            while (incoming + active > 0 && System.nanoTime() < deadline) {
                Thread.sleep(2000);
                incoming = spool.count(QueueName.INCOMING);
                active = spool.count(QueueName.ACTIVE);
            }
            result("fill_left_incoming", incoming);
            result("fill_left_active", active);
            result("fill_deferred", spool.count(QueueName.DEFERRED));
            result("fill_heap_max_mb", heap.maxMegabytes());
        } finally {
            long stop = System.nanoTime();
            master.close();
            result("stop_s", (System.nanoTime() - stop) / 1e9);
            heap.close();
        }
    }

    private static void scaleRestart(Path dir, int relayPort, int windows, int windowSeconds) throws Exception {
        HeapWatch heap = HeapWatch.start();
        long t0 = System.nanoTime();
        try (Master master = Master.start(engineParameters(dir, relayPort))) {
            result("restart_s", (System.nanoTime() - t0) / 1e9);
            awaitQueueManager(master);
            result("restart_ready_s", (System.nanoTime() - t0) / 1e9);
            result("restart_heap_mb", heap.afterGcMegabytes());
            Thread.sleep(5000);                          // the queue manager at work on what it found
            result("restart_heap_5s_mb", heap.afterGcMegabytes());
            if (windows > 0) {
                drain(master, relayPort, windows, windowSeconds, heap);
            }
            result("heap_max_mb", heap.maxMegabytes());
        }
        heap.close();
    }

    /**
     * Waits until the queue manager's loop answers, i.e. has finished its first pass (deferred/
     * scanned, incoming/ fed to the active queue): activeCount() waits at most 10 s for an answer.
     */
    private static void awaitQueueManager(Master master) {
        long asked;
        do {
            asked = System.nanoTime();
            master.queueManager().activeCount();
        } while (System.nanoTime() - asked >= Duration.ofMillis(9_900).toNanos());
    }

    /** The relay comes back, the admin runs postqueue -f: delay to the first delivery, then the rate in windows. */
    private static void drain(Master master, int relayPort, int windows, int windowSeconds, HeapWatch heap)
            throws Exception {
        try (SmtpSink sink = SmtpSink.start(relayPort)) {
            long flushed = System.nanoTime();
            master.flush();                              // postqueue -f
            long first;
            try {
                first = sink.awaitCount(1, Duration.ofMinutes(5));
            } catch (TimeoutException e) {
                info("no delivery within 5 minutes of the flush");
                result("drain_first_s", 300);
                return;
            }
            result("drain_first_s", (first - flushed) / 1e9);
            long last = sink.count();
            long start = System.nanoTime();
            for (int w = 1; w <= windows; w++) {
                long until = start + Duration.ofSeconds((long) w * windowSeconds).toNanos();
                while (System.nanoTime() < until) {
                    Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                }
                long count = sink.count();
                result("drain_rate", (count - last) / (double) windowSeconds);
                info("drain window " + w + ": " + (count - last) + " messages in " + windowSeconds + " s");
                last = count;
            }
            result("drain_heap_mb", heap.afterGcMegabytes());
        }
    }

    /** CPU time of this JVM so far (all its threads). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Heap in use after a full GC, and the most seen after any GC while it watched. */
    static final class HeapWatch implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final Thread poller;
        private volatile long max;
        private volatile boolean closed;

        private HeapWatch() {
            poller = new Thread(() -> {
                while (!closed) {
                    long afterGc = ManagementFactory.getMemoryPoolMXBeans().stream()
                            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                            .map(java.lang.management.MemoryPoolMXBean::getCollectionUsage)
                            .filter(java.util.Objects::nonNull)
                            .mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
                    max = Math.max(max, afterGc);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-watch");
            poller.setDaemon(true);
        }

        static HeapWatch start() {
            HeapWatch w = new HeapWatch();
            w.poller.start();
            return w;
        }

        double afterGcMegabytes() {
            memory.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            max = Math.max(max, used);
            return used / (1024.0 * 1024);
        }

        double maxMegabytes() {
            return max / (1024.0 * 1024);
        }

        @Override
        public void close() {
            closed = true;
            poller.interrupt();
        }
    }
}
