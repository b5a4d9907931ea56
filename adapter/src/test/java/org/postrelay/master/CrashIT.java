package org.postrelay.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;
import org.postrelay.testing.CrashChild;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.ScriptedSmtpServer.ReceivedMessage;

/**
 * The crash test: a child JVM accepting submissions is killed with SIGKILL mid-load, three times on
 * the same spool; after the restart every acknowledged message is delivered, and the only
 * duplicates are the deliveries that were in flight at a kill.
 */
class CrashIT {

    private static final int ROUNDS = 3;
    /** smtp_destination_concurrency_limit: at most this many deliveries are in flight when a child dies. */
    private static final int CONCURRENCY_LIMIT = 20;
    private static final int MIN_ACKS_PER_ROUND = 300;
    private static final int MIN_DELIVERIES_PER_ROUND = 50;
    private static final Duration MIN_LOAD = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(120);   // a JVM start and recovery on a loaded machine
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(60);
    /** X-Seq values of round r start at r * SEQ_STRIDE, so they are unique across rounds. */
    private static final long SEQ_STRIDE = 100_000_000L;
    private static final Pattern ACK = Pattern.compile("ACK (\\S+) (\\d+)");
    private static final Pattern X_SEQ = Pattern.compile("(?m)^X-Seq: (\\d+)\\r?$");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void acknowledgedMessagesShouldSurviveSigkillAndOnlyInFlightDeliveriesRepeat() throws Exception {
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();   // X-Seq -> queue id
        List<String> rounds = new ArrayList<>();
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start()) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("queue_directory", dir.resolve("spool").toString());
            parameters.put("relayhost", relay.relayhost());
            parameters.put("maillog_file", dir.resolve("maillog").toString());
            parameters.put("myhostname", "relay-client.example.com");
            parameters.put("myorigin", "example.com");
            parameters.put("smtp_destination_concurrency_limit", Integer.toString(CONCURRENCY_LIMIT));
            parameters.put("minimal_backoff_time", "1s");
            parameters.put("maximal_backoff_time", "2s");
            parameters.put("queue_run_delay", "1s");

            Received received = new Received();
            for (int round = 0; round < ROUNDS; round++) {
                rounds.add(runAndKill(round, parameters, acknowledged, relay, received));
            }
            Map<QueueName, Long> leftOver = countFiles(dir.resolve("spool"));

            long restart = System.nanoTime();
            long recovered;
            Set<String> corrupt = new TreeSet<>();
            try (Master master = Master.start(parameters)) {
                await("every acknowledged X-Seq has reached the relay", DELIVERY_WAIT, () -> {
                    received.update(relay);
                    return received.counts.keySet().containsAll(acknowledged.keySet());
                }, () -> "missing " + missing(acknowledged, received).size() + " of " + acknowledged.size()
                        + ", e.g. " + missing(acknowledged, received).stream().limit(10).toList()
                        + "; queued " + queued(master.spool()));
                recovered = System.nanoTime();
                await("the queue is empty", WAIT, () -> queued(master.spool()) == 0, () -> "queued "
                        + queued(master.spool()));
                master.spool().forEach(QueueName.CORRUPT, id -> corrupt.add(id.toString()));
            }
            received.update(relay);

            Set<Long> lost = missing(acknowledged, received);
            int duplicates = received.counts.values().stream().mapToInt(c -> c - 1).sum();
            Set<Long> unacknowledged = new TreeSet<>(received.counts.keySet());
            unacknowledged.removeAll(acknowledged.keySet());
            Set<String> acknowledgedIds = new HashSet<>(acknowledged.values());
            Set<String> corruptAcknowledged = new TreeSet<>(corrupt);
            corruptAcknowledged.retainAll(acknowledgedIds);
            List<String> recoveryLines = maillog().lines().filter(l -> l.contains("spool recovery"))
                    .map(l -> l.substring(l.indexOf("spool recovery"))).toList();

            System.out.printf("CrashIT: %d rounds [%s]; acknowledged %d, received %d (distinct %d, "
                    + "unacknowledged %d), duplicates %d (bound %d), lost %d, corrupt %d; at restart %s; "
                    + "all acknowledged delivered %.2f s after restart; recoveries %s%n", ROUNDS,
                    String.join("; ", rounds), acknowledged.size(), received.total, received.counts.size(),
                    unacknowledged.size(), duplicates, ROUNDS * CONCURRENCY_LIMIT, lost.size(), corrupt.size(),
                    leftOver, (recovered - restart) / 1e9, recoveryLines);

            assertEquals(acknowledged.size(), acknowledgedIds.size(), "every acknowledgement has its own queue id");
            assertEquals(Set.of(), lost, "acknowledged but never delivered");
            assertTrue(duplicates <= ROUNDS * CONCURRENCY_LIMIT, "duplicates " + duplicates + " exceed the "
                    + ROUNDS + " x " + CONCURRENCY_LIMIT + " deliveries that can be in flight at the kills: "
                    + received.counts.entrySet().stream().filter(e -> e.getValue() > 1).limit(20).toList());
            assertTrue(unacknowledged.size() <= ROUNDS * CrashChild.THREADS, "delivered but never acknowledged: "
                    + unacknowledged + " (at most one submission per sender thread can be in progress at a kill)");
            assertEquals(0, received.other, "messages without X-Seq (bounces or notices) reached the relay");
            assertEquals(Set.of(), corruptAcknowledged, "acknowledged messages in corrupt/");
        }
    }

    /** One round: a child engine under load on the shared spool, killed with SIGKILL. */
    private String runAndKill(int round, Map<String, String> parameters, Map<Long, String> acknowledged,
                              ScriptedSmtpServer relay, Received received) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                parameters.get("queue_directory"), parameters.get("relayhost"), parameters.get("maillog_file"),
                Long.toString(round * SEQ_STRIDE)));
        parameters.forEach((name, value) -> {
            if (!Set.of("queue_directory", "relayhost", "maillog_file").contains(name)) {
                command.add(name + "=" + value);
            }
        });
        Path stderr = dir.resolve("child-" + round + ".err");
        received.update(relay);
        int deliveredBefore = received.total;
        long launched = System.nanoTime();
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        AtomicInteger acks = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> readAcks(child, acknowledged, acks, ready), "crash-child-" + round + "-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            await("child " + round + " is READY", WAIT, () -> ready.getCount() == 0 || !child.isAlive(),
                    () -> "stderr:\n" + read(stderr));
            assertTrue(child.isAlive(), "child " + round + " exited with " + exitValue(child) + ":\n" + read(stderr));
            long loadStart = System.nanoTime();
            await("child " + round + " has " + MIN_ACKS_PER_ROUND + " acknowledgements, "
                    + MIN_DELIVERIES_PER_ROUND + " deliveries and " + MIN_LOAD + " of load", WAIT, () -> {
                        assertTrue(child.isAlive(), "child " + round + " died:\n" + read(stderr));
                        received.update(relay);
                        return acks.get() >= MIN_ACKS_PER_ROUND
                                && received.total - deliveredBefore >= MIN_DELIVERIES_PER_ROUND
                                && System.nanoTime() - loadStart >= MIN_LOAD.toNanos();
                    }, () -> "acks " + acks.get() + ", deliveries " + (received.total - deliveredBefore));
            // SIGKILL on Linux: no shutdown hook, no close(). Through the handle, because
            // Process.destroyForcibly() also closes our end of the child's stdout: acknowledgements
            // still in the pipe (a reader behind on a loaded machine) would be thrown away.
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child " + round + " did not die");
            long killed = System.nanoTime();
            reader.join(TimeUnit.SECONDS.toMillis(60));     // reads to the end of the pipe
            assertFalse(reader.isAlive(), "child " + round + "'s acknowledgements were not read to the end");
            received.update(relay);
            List<String> errors = read(stderr).lines().filter(l -> l.startsWith("ERR ")).toList();
            assertEquals(List.of(), errors, "child " + round + " had failed submissions");
            return String.format("round %d: %d acks in %.2f s of load (startup %.2f s), %d delivered during it",
                    round + 1, acks.get(), (killed - loadStart) / 1e9, (loadStart - launched) / 1e9,
                    received.total - deliveredBefore);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Collects "ACK id seq" lines; a last line cut short by the kill (no newline) is not an acknowledgement. */
    private static void readAcks(Process child, Map<Long, String> acknowledged, AtomicInteger acks, CountDownLatch ready) {
        try (Reader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1; c = in.read()) {
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                Matcher m = ACK.matcher(line);
                if (m.matches()) {
                    acknowledged.put(Long.parseLong(m.group(2)), m.group(1));
                    acks.incrementAndGet();
                } else if (line.toString().equals("READY")) {
                    ready.countDown();
                }
                line.setLength(0);
            }
        } catch (IOException e) {
            // the child is gone
        }
    }

    /** What the relay received, parsed incrementally (its snapshot list only grows). */
    private static final class Received {
        final Map<Long, Integer> counts = new ConcurrentHashMap<>();
        volatile int total;
        int other;

        synchronized void update(ScriptedSmtpServer relay) {
            List<ReceivedMessage> all = relay.messages();
            for (int i = total; i < all.size(); i++) {
                Matcher m = X_SEQ.matcher(all.get(i).text());
                if (m.find()) {
                    counts.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
                } else {
                    other++;
                }
            }
            total = all.size();
        }
    }

    private static Set<Long> missing(Map<Long, String> acknowledged, Received received) {
        return acknowledged.keySet().stream().filter(seq -> !received.counts.containsKey(seq))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static long queued(Spool spool) {
        try {
            return spool.count(QueueName.INCOMING) + spool.count(QueueName.ACTIVE) + spool.count(QueueName.DEFERRED)
                    + spool.count(QueueName.HOLD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files per queue directory as the kill left them (informational). */
    private static Map<QueueName, Long> countFiles(Path spool) throws IOException {
        Map<QueueName, Long> counts = new LinkedHashMap<>();
        for (QueueName queue : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.CORRUPT)) {
            Path directory = spool.resolve(queue.directoryName());
            if (Files.isDirectory(directory)) {
                try (Stream<Path> files = Files.walk(directory)) {
                    counts.put(queue, files.filter(Files::isRegularFile).count());
                }
            }
        }
        return counts;
    }

    private String maillog() {
        return read(dir.resolve("maillog"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String exitValue(Process process) {
        return process.isAlive() ? "(running)" : Integer.toString(process.exitValue());
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition,
                              Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting until " + what + ": " + state.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }
}
