package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.api.RelayConnection;
import org.postrelay.master.Master;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;

/** Relays 500 messages from 8 threads through Postfix's own smtp-sink, a foreign SMTP peer, and counts on its side. */
class SmtpSinkIT {

    private static final int MESSAGES = 500;
    private static final int THREADS = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<Path> SMTP_SINK = List.of(Path.of("/usr/sbin/smtp-sink"), Path.of("/usr/bin/smtp-sink"));
    private static final Pattern MESG_COUNTER = Pattern.compile("\\bmesg=(\\d+)");
    private static final Pattern SESS_COUNTER = Pattern.compile("\\bsess=(\\d+)");
    private static final Pattern X_SEQ = Pattern.compile("(?m)^X-Seq: (\\d+)\\r?$");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void messagesShouldAllReachSmtpSinkExactlyOnce() throws Exception {
        Path sinkBinary = SMTP_SINK.stream().filter(Files::isExecutable).findFirst().orElseGet(() -> fail(
                "Postfix's smtp-sink is not installed (looked for " + SMTP_SINK + "): this integration test needs "
                + "it as a foreign SMTP peer; run `apt-get install postfix` (CI's .ci/run installs it)"));
        Path dump = dir.resolve("sink");
        Files.createDirectories(dump);
        int port = freePort();

        List<String> command = new ArrayList<>(List.of(sinkBinary.toString(), "-c"));
        if (runningAsRoot()) {
            // smtp-sink refuses to run as root without -u; the unprivileged user must reach the dump directory
            command.addAll(List.of("-u", "nobody"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(dump, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        command.addAll(List.of("-d", dump.resolve("msg.").toString(), "127.0.0.1:" + port, "256"));
        Path sinkErr = dir.resolve("smtp-sink.err");
        Process sink = new ProcessBuilder(command).redirectError(sinkErr.toFile()).start();
        Counters counters = new Counters(sink.getInputStream());
        Master master = null;
        try {
            awaitListening(sink, port, sinkErr);
            Map<String, String> parameters = Map.of(
                    "relayhost", "[127.0.0.1]:" + port,
                    "queue_directory", dir.resolve("spool").toString(),
                    "maillog_file", dir.resolve("maillog").toString(),
                    "myhostname", "relay-client.example.com",
                    "myorigin", "example.com");
            master = Master.start(parameters);
            long start = System.nanoTime();
            Set<String> queueIds = send(master);
            long submitted = System.nanoTime();
            assertEquals(MESSAGES, queueIds.size(), "distinct queue ids returned by send()");

            Master engine = master;
            await("smtp-sink counted " + MESSAGES + " messages and the queue is empty", () ->
                    counters.messages() >= MESSAGES && queued(engine.spool()) == 0, sink, sinkErr);
            long delivered = System.nanoTime();
            master.close();
            master = null;

            // smtp-sink's own count: a duplicate delivery would push it past what we sent
            assertEquals(MESSAGES, counters.messages(), "messages counted by smtp-sink (-c mesg=)");
            List<Path> dumps;
            try (Stream<Path> files = Files.list(dump)) {
                dumps = files.toList();
            }
            assertEquals(MESSAGES, dumps.size(), "transactions dumped by smtp-sink (-d)");
            Map<Long, Integer> seen = new ConcurrentHashMap<>();
            for (Path file : dumps) {
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                Matcher m = X_SEQ.matcher(text);
                assertTrue(m.find(), "no X-Seq header in " + file + ":\n" + text);
                seen.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
                assertTrue(text.contains("X-Mail-Args: <app@example.com>"), text);
            }
            Set<Long> missing = new TreeSet<>();
            for (long n = 0; n < MESSAGES; n++) {
                if (seen.getOrDefault(n, 0) != 1) {
                    missing.add(n);
                }
            }
            assertEquals(Set.of(), missing, "X-Seq values not dumped exactly once by smtp-sink");

            String log = Files.readString(dir.resolve("maillog"));
            long sent = log.lines().filter(l -> l.contains("status=sent")).count();
            long deferred = log.lines().filter(l -> l.contains("status=deferred")).count();
            assertEquals(MESSAGES, sent, "status=sent lines in the maillog (" + deferred + " status=deferred)");
            assertEquals(0, deferred, "status=deferred lines: smtp-sink accepts everything");
            System.out.printf("SmtpSinkIT: sent %d from %d threads, smtp-sink counted mesg=%d in sess=%d, "
                    + "maillog status=sent %d; submit %.2f s, all delivered %.2f s%n", queueIds.size(), THREADS,
                    counters.messages(), counters.sessions(), sent, (submitted - start) / 1e9,
                    (delivered - start) / 1e9);
        } finally {
            if (master != null) {
                master.close();
            }
            sink.destroyForcibly();
            sink.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Submits the messages from {@code THREADS} threads, each with a connection of its own. */
    private static Set<String> send(Master master) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                senders.add(pool.submit(() -> {
                    try (RelayConnection connection = master.connectionFactory().getConnection()) {
                        for (int n = next.getAndIncrement(); n < MESSAGES; n = next.getAndIncrement()) {
                            String message = "From: app@example.com\r\nTo: r" + n + "@example.org\r\n"
                                    + "Subject: sink " + n + "\r\nX-Seq: " + n + "\r\n\r\nmessage " + n + "\r\n";
                            ids.add(connection.send("app@example.com", List.of("r" + n + "@example.org"),
                                    new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII))));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> sender : senders) {
                sender.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return Collections.unmodifiableSet(ids);
    }

    private static long queued(Spool spool) {
        try {
            return spool.count(QueueName.INCOMING) + spool.count(QueueName.ACTIVE) + spool.count(QueueName.DEFERRED)
                    + spool.count(QueueName.HOLD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean runningAsRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    /** Polls until smtp-sink accepts connections; fails with its stderr if it exits. */
    private void awaitListening(Process sink, int port, Path sinkErr) {
        await("smtp-sink listens on 127.0.0.1:" + port, () -> {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }, sink, sinkErr);
    }

    private void await(String what, BooleanSupplier condition, Process sink, Path sinkErr) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (!sink.isAlive()) {
                fail("smtp-sink exited with status " + sink.exitValue() + " while waiting until " + what
                        + "; its stderr:\n" + readQuietly(sinkErr));
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT + " waiting until " + what + "\n--- smtp-sink stderr ---\n"
                        + readQuietly(sinkErr) + "\n--- maillog (tail) ---\n" + tail(readQuietly(dir.resolve("maillog"))));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    /** smtp-sink's -c running counters ("sess=N quit=N mesg=N", CR-separated on stdout), read as they come. */
    private static final class Counters {
        private final AtomicInteger messages = new AtomicInteger();
        private final AtomicInteger sessions = new AtomicInteger();

        Counters(InputStream stdout) {
            Thread reader = new Thread(() -> {
                StringBuilder line = new StringBuilder();
                try (stdout) {
                    for (int c = stdout.read(); c != -1; c = stdout.read()) {
                        if (c == '\r' || c == '\n') {
                            update(line);
                            line.setLength(0);
                        } else {
                            line.append((char) c);
                        }
                    }
                } catch (IOException e) {
                    // smtp-sink was stopped
                }
            }, "smtp-sink-counters");
            reader.setDaemon(true);
            reader.start();
        }

        private void update(CharSequence line) {
            Matcher m = MESG_COUNTER.matcher(line);
            if (m.find()) {
                messages.accumulateAndGet(Integer.parseInt(m.group(1)), Math::max);
            }
            Matcher s = SESS_COUNTER.matcher(line);
            if (s.find()) {
                sessions.accumulateAndGet(Integer.parseInt(s.group(1)), Math::max);
            }
        }

        int messages() {
            return messages.get();
        }

        int sessions() {
            return sessions.get();
        }
    }
}
