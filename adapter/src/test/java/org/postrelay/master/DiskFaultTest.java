package org.postrelay.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.api.RelayConnection;
import org.postrelay.api.RelayException;
import org.postrelay.api.TemporaryFailureException;
import org.postrelay.queue.QueueName;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.Tmpfs;

/**
 * Disk faults under a running engine: the spool on a small tmpfs that fills up, or that becomes
 * unwritable (immutable). {@code send()} fails with a {@link TemporaryFailureException} naming the
 * problem, nothing half-accepted stays in the queue or comes back from the journal at restart, mail
 * queued before is intact, and once space returns new sends work and everything is delivered,
 * without a restart. Needs root and mount (CI has both); skipped otherwise.
 */
class DiskFaultTest {

    private static final Pattern SEQ = Pattern.compile("(?m)^X-Seq: (\\d+)\\r?$");
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private int seq;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void fullSpoolShouldRefuseClearlyAndRecoverWhenSpaceReturns() throws Exception {
        try (Tmpfs tmpfs = Tmpfs.mount(dir.resolve("mnt"), "4m");
             ScriptedSmtpServer relay = ScriptedSmtpServer.start()) {
            relay.failConnections(true);                      // mail stays queued through the fault
            Map<String, String> parameters = parameters(tmpfs.path().resolve("spool"), relay);
            Set<Integer> acknowledged = new TreeSet<>();
            Set<String> ids = new HashSet<>();
            try (Master master = Master.start(parameters);
                 RelayConnection connection = master.connectionFactory().getConnection()) {
                for (int i = 0; i < 5; i++) {
                    ids.add(send(connection, acknowledged, 1024));
                }
                tmpfs.fill();
                TemporaryFailureException refused = sendUntilRefused(connection, acknowledged, ids);
                assertTrue(refused.getMessage().contains("No space left on device"),
                        "the error names the problem: " + refused.getMessage());
                assertTrue(refused.getMessage().contains("queue_directory"), refused.getMessage());
                assertInstanceOf(TemporaryFailureException.class, refusedAgain(connection),
                        "still full: still refused");
                assertOnlyAcknowledgedQueued(master, ids);

                tmpfs.free();                                 // space returns: no restart
                ids.add(sendWhenItWorks(connection, acknowledged));
                ids.add(send(connection, acknowledged, 1024));
                relay.failConnections(false);
                master.flush();
                awaitDelivered(master, relay, acknowledged);
                assertOnlyAcknowledgedQueued(master, ids);
            }
            assertNothingResurrects(parameters, relay, acknowledged);
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void unwritableSpoolShouldRefuseClearlyAndRecoverWhenWritableAgain() throws Exception {
        try (Tmpfs tmpfs = Tmpfs.mount(dir.resolve("mnt"), "16m");
             ScriptedSmtpServer relay = ScriptedSmtpServer.start()) {
            assumeTrue(tmpfs.supportsImmutable(), "chattr +i is not supported on this tmpfs (Linux < 6.0)");
            relay.failConnections(true);
            Path spool = tmpfs.path().resolve("spool");
            Map<String, String> parameters = parameters(spool, relay);
            Set<Integer> acknowledged = new TreeSet<>();
            Set<String> ids = new HashSet<>();
            try (Master master = Master.start(parameters);
                 RelayConnection connection = master.connectionFactory().getConnection()) {
                for (int i = 0; i < 5; i++) {
                    ids.add(send(connection, acknowledged, 1024));
                }
                awaitQueueFiles(master, ids);
                tmpfs.makeUnwritable(spool);
                TemporaryFailureException refused = sendUntilRefused(connection, acknowledged, ids);
                assertTrue(refused.getMessage().contains("Operation not permitted"),
                        "the error names the problem: " + refused.getMessage());
                assertInstanceOf(TemporaryFailureException.class, refusedAgain(connection));
                tmpfs.makeWritable(spool);
                assertOnlyAcknowledgedQueued(master, ids);

                ids.add(sendWhenItWorks(connection, acknowledged));
                relay.failConnections(false);
                master.flush();
                awaitDelivered(master, relay, acknowledged);
                assertOnlyAcknowledgedQueued(master, ids);
            }
            assertNothingResurrects(parameters, relay, acknowledged);
        }
    }

    private Map<String, String> parameters(Path spool, ScriptedSmtpServer relay) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("queue_directory", spool.toString());
        parameters.put("relayhost", relay.relayhost());
        parameters.put("maillog_file", dir.resolve("maillog").toString());   // not on the faulty disk
        parameters.put("myhostname", "relay-client.example.com");
        parameters.put("myorigin", "example.com");
        parameters.put("minimal_backoff_time", "1s");
        parameters.put("maximal_backoff_time", "1s");
        parameters.put("queue_run_delay", "1s");
        return parameters;
    }

    private String send(RelayConnection connection, Set<Integer> acknowledged, int bodySize) throws RelayException {
        int n = ++seq;
        String message = "From: app@example.com\r\nTo: disk@example.org\r\nSubject: disk " + n + "\r\nX-Seq: " + n
                + "\r\n\r\n" + "x".repeat(bodySize) + "\r\n";
        String id = connection.send("app@example.com", List.of("disk@example.org"),
                new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));
        acknowledged.add(n);
        return id;
    }

    /** Sends 8 KiB messages until one is refused (the journal's preallocated space takes some first). */
    private TemporaryFailureException sendUntilRefused(RelayConnection connection, Set<Integer> acknowledged,
                                                       Set<String> ids) {
        for (int i = 0; i < 5000; i++) {
            try {
                ids.add(send(connection, acknowledged, 8192));
            } catch (TemporaryFailureException e) {
                return e;
            } catch (RelayException e) {
                fail("a disk fault is a temporary failure, not " + e, e);
            }
        }
        return fail("5000 sends on a faulty spool were all accepted");
    }

    private RelayException refusedAgain(RelayConnection connection) {
        try {
            send(connection, new HashSet<>(), 8192);
            return null;
        } catch (RelayException e) {
            return e;
        }
    }

    /** The first send after the fault may still meet its tail (a journal segment being made); then it works. */
    private String sendWhenItWorks(RelayConnection connection, Set<Integer> acknowledged) throws Exception {
        RelayException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return send(connection, acknowledged, 1024);
            } catch (TemporaryFailureException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("sends still fail once the disk is fine again: " + last, last);
    }

    /** Every file in the queues is a message whose send() returned an id: nothing half-accepted. */
    private static void assertOnlyAcknowledgedQueued(Master master, Set<String> ids) throws IOException {
        Set<String> queued = new TreeSet<>();
        for (QueueName queue : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD,
                QueueName.CORRUPT)) {
            master.spool().forEach(queue, id -> queued.add(id.toString()));
        }
        queued.removeAll(ids);
        assertEquals(Set.of(), queued, "queue files of messages that were never acknowledged");
        Path incoming = master.spool().directory().resolve(QueueName.INCOMING.directoryName());
        try (Stream<Path> files = Files.walk(incoming)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                assertTrue(ids.contains(name), "a stray file in incoming/: " + file);
            }
        }
    }

    private static void awaitQueueFiles(Master master, Set<String> ids) {
        await("the queue files of " + ids + " are written", () -> ids.stream().noneMatch(id ->
                master.spool().isBeingWritten(org.postrelay.queue.QueueId.parse(id))), () -> "");
    }

    private static void awaitDelivered(Master master, ScriptedSmtpServer relay, Set<Integer> acknowledged) {
        await("every acknowledged message is delivered and the queue empty", () -> {
            Set<Integer> received = received(relay);
            return received.containsAll(acknowledged) && queued(master) == 0;
        }, () -> {
            Set<Integer> missing = new TreeSet<>(acknowledged);
            missing.removeAll(received(relay));
            return "missing " + missing.size() + " of " + acknowledged.size() + " " + missing.stream().limit(10).toList()
                    + "; queued " + queued(master) + "; " + master.spool().stats() + "; disk "
                    + master.spool().directory().toFile().getUsableSpace() + " bytes free";
        });
        Set<Integer> received = received(relay);
        received.removeAll(acknowledged);
        assertEquals(Set.of(), received, "delivered but never acknowledged (half-accepted)");
    }

    /** Restart: the journal's replay brings back nothing (no unacknowledged or delivered message). */
    private static void assertNothingResurrects(Map<String, String> parameters, ScriptedSmtpServer relay,
                                                Set<Integer> acknowledged) throws Exception {
        int before = relay.messages().size();
        try (Master master = Master.start(parameters)) {
            assertEquals(0, queued(master), "messages back in the queue after a restart");
        }
        assertEquals(before, relay.messages().size(), "deliveries after the restart");
        assertEquals(acknowledged, received(relay));
    }

    private static Set<Integer> received(ScriptedSmtpServer relay) {
        Set<Integer> seqs = new TreeSet<>();
        relay.messages().forEach(m -> {
            Matcher matcher = SEQ.matcher(m.text());
            if (matcher.find()) {
                seqs.add(Integer.parseInt(matcher.group(1)));
            }
        });
        return seqs;
    }

    private static long queued(Master master) {
        try {
            long n = 0;
            for (QueueName queue : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD)) {
                n += master.spool().count(queue);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT + " waiting until " + what + ": " + state.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
