package org.postrelay.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.UnixPasswdTable;
import org.postrelay.local.LocalTransport.Result;
import org.postrelay.smtp.MessageSource;
import org.postrelay.smtp.Outcome;

/** Mailbox files on a real file system: format, locking, failures that must leave the mailbox as it was. */
class MailboxDeliveryTest {

    private static final Instant NOW = Instant.parse("2026-11-25T07:11:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneId.of("UTC"));
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path spool;

    private MailboxDelivery delivery(long sizeLimit, boolean fcntl, boolean dotlock, int attempts, Clock clock) {
        MailboxLock lock = new MailboxLock(new MailboxLock.Settings(fcntl, dotlock, attempts, Duration.ofSeconds(1),
                Duration.ofSeconds(500)), clock);
        return new MailboxDelivery(spool, sizeLimit, lock, null, clock);
    }

    private MailboxDelivery delivery() {
        return delivery(0, true, true, 20, CLOCK);
    }

    private static MessageSource message(String text) {
        return MessageSource.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String mbox(String sender, String recipient, String body) {
        return "From " + (sender.isEmpty() ? "MAILER-DAEMON" : sender) + "  Wed Nov 25 07:11:00 2026\n"
                + "Return-Path: <" + sender + ">\nX-Original-To: " + recipient + "\nDelivered-To: " + recipient + "\n"
                + body + "\n";
    }

    @Test
    void aNewMailboxShouldBeCreatedPrivateAndMessagesAppendedInOrder() throws Exception {
        Result first = delivery().deliver("app@example.com", "bob@local.test", "bob",
                message("Subject: one\r\n\r\nFrom me\r\n"));
        Result second = delivery().deliver("", "bob@local.test", "bob", message("Subject: two\r\n\r\nhi\r\n"));
        assertEquals(new Result(Outcome.SENT, "2.0.0", "delivered to mailbox"), first);
        assertEquals(first, second);
        Path mailbox = spool.resolve("bob");
        assertEquals(mbox("app@example.com", "bob@local.test", "Subject: one\n\n>From me\n")
                + mbox("", "bob@local.test", "Subject: two\n\nhi\n"), Files.readString(mailbox));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mailbox)));
        assertFalse(Files.exists(spool.resolve("bob.lock")), "the dotlock is removed");
    }

    @Test
    void asRootANewMailboxShouldBelongToItsUser() throws Exception {
        Path probe = Files.createFile(spool.resolve("probe"));
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(probe, "unix:uid")), "runs as root only");
        Path passwd = Files.writeString(spool.resolve("passwd"), "bob:x:4711:4712::/home/bob:/bin/sh\n");
        MailboxLock lock = new MailboxLock(new MailboxLock.Settings(true, true, 20, Duration.ofSeconds(1),
                Duration.ofSeconds(500)), CLOCK);
        Path mail = Files.createDirectory(spool.resolve("mail"));
        MailboxDelivery delivery = new MailboxDelivery(mail, 0, lock, new UnixPasswdTable(passwd), CLOCK);
        assertEquals("2.0.0", delivery.deliver("app@example.com", "bob@local.test", "bob", message("S: x\r\n\r\nx\r\n"))
                .dsn());
        assertEquals(4711, Files.getAttribute(mail.resolve("bob"), "unix:uid"));
        assertEquals(4712, Files.getAttribute(mail.resolve("bob"), "unix:gid"));
        assertEquals("2.0.0", delivery.deliver("app@example.com", "carol@local.test", "carol",
                message("S: x\r\n\r\nx\r\n")).dsn());
        assertEquals(0, Files.getAttribute(mail.resolve("carol"), "unix:uid"), "no passwd entry: stays root's");
    }

    @Test
    void exceedingMailboxSizeLimitShouldBounceAndLeaveTheMailboxAsItWas() throws Exception {
        delivery().deliver("app@example.com", "bob@local.test", "bob", message("Subject: one\r\n\r\nx\r\n"));
        byte[] before = Files.readAllBytes(spool.resolve("bob"));
        Result result = delivery(before.length + 200, true, true, 20, CLOCK).deliver("app@example.com",
                "bob@local.test", "bob", message("Subject: big\r\n\r\n" + "y".repeat(1000) + "\r\n"));
        assertEquals(new Result(Outcome.BOUNCED, "5.2.2", "cannot update mailbox " + spool.resolve("bob")
                + " for user bob. error writing message: File too large"), result);
        assertArrayEquals(before, Files.readAllBytes(spool.resolve("bob")));
    }

    @Test
    void aQueueFileThatFailsMidwayShouldDeferAndLeaveTheMailboxAsItWas() throws Exception {
        delivery().deliver("app@example.com", "bob@local.test", "bob", message("Subject: one\r\n\r\nx\r\n"));
        byte[] before = Files.readAllBytes(spool.resolve("bob"));
        byte[] start = ("Subject: broken\r\n\r\n" + "z\r\n".repeat(50_000)).getBytes(StandardCharsets.US_ASCII);
        MessageSource failing = new MessageSource() {
            @Override
            public InputStream open() {
                return new java.io.SequenceInputStream(new ByteArrayInputStream(start), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("Input/output error");
                    }
                });
            }

            @Override
            public long size() {
                return start.length + 1000;
            }
        };
        Result result = delivery().deliver("app@example.com", "bob@local.test", "bob", failing);
        assertEquals(new Result(Outcome.DEFERRED, "4.3.0", "cannot update mailbox " + spool.resolve("bob")
                + " for user bob. error reading message: Input/output error"), result);
        assertArrayEquals(before, Files.readAllBytes(spool.resolve("bob")));
        assertFalse(Files.exists(spool.resolve("bob.lock")));
    }

    @Test
    void aSpoolDirectoryThatCannotHoldTheMailboxShouldDefer() throws Exception {
        Path notADirectory = Files.writeString(spool.resolve("file"), "");
        assertEquals(new Result(Outcome.DEFERRED, "4.2.0", "cannot update mailbox " + notADirectory.resolve("bob")
                + " for user bob. cannot open file: Not a directory"), deliverIn(notADirectory));
        Path missing = spool.resolve("missing");
        assertEquals(new Result(Outcome.DEFERRED, "4.2.0", "cannot update mailbox " + missing.resolve("bob")
                + " for user bob. cannot create file exclusively: No such file or directory"), deliverIn(missing));
    }

    private static Result deliverIn(Path spoolDirectory) {
        MailboxLock lock = new MailboxLock(new MailboxLock.Settings(true, true, 20, Duration.ofSeconds(1),
                Duration.ofSeconds(500)), CLOCK);
        return new MailboxDelivery(spoolDirectory, 0, lock, null, CLOCK).deliver("app@example.com", "bob@local.test", "bob",
                message("S: x\r\n\r\nx\r\n"));
    }

    @Test
    void aDotlockHeldByAnotherProcessShouldDelayDeliveryUntilItGoes() throws Exception {
        Path lock = Files.createFile(spool.resolve("bob.lock"));
        AtomicReference<Result> result = new AtomicReference<>();
        Thread delivering = new Thread(() -> result.set(delivery().deliver("app@example.com", "bob@local.test",
                "bob", message("S: x\r\n\r\nwaited\r\n"))));
        delivering.start();
        // The delivery sleeps deliver_lock_delay between attempts to create bob.lock.
        awaitCondition("the delivery waits for the dotlock", () -> delivering.getState() == Thread.State.TIMED_WAITING);
        assertTrue(result.get() == null && Files.size(spool.resolve("bob")) == 0, "nothing written while locked");
        Files.delete(lock);
        delivering.join(WAIT.toMillis());
        assertEquals("2.0.0", result.get().dsn(), result.get().text());
        assertTrue(Files.readString(spool.resolve("bob")).contains("\nwaited\n"));
        assertFalse(Files.exists(lock));
    }

    @Test
    void aDotlockHeldLongerThanTheAttemptsShouldDefer() throws Exception {
        delivery().deliver("app@example.com", "bob@local.test", "bob", message("S: one\r\n\r\nx\r\n"));
        byte[] before = Files.readAllBytes(spool.resolve("bob"));
        Files.createFile(spool.resolve("bob.lock"));
        Result result = delivery(0, true, true, 1, CLOCK).deliver("app@example.com", "bob@local.test", "bob",
                message("S: two\r\n\r\nx\r\n"));
        assertEquals(new Result(Outcome.DEFERRED, "4.2.0", "cannot update mailbox " + spool.resolve("bob")
                + " for user bob. unable to create lock file " + spool.resolve("bob.lock") + ": File exists"), result);
        assertArrayEquals(before, Files.readAllBytes(spool.resolve("bob")));
        assertTrue(Files.exists(spool.resolve("bob.lock")), "someone else's lock is left alone");
    }

    @Test
    void aStaleDotlockShouldBeRemoved() throws Exception {
        Files.createFile(spool.resolve("bob.lock"));
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(501));   // stale_lock_time is 500s
        Result result = delivery(0, true, true, 20, later).deliver("app@example.com", "bob@local.test", "bob",
                message("S: x\r\n\r\nx\r\n"));
        assertEquals("2.0.0", result.dsn(), result.text());
        assertFalse(Files.exists(spool.resolve("bob.lock")));
    }

    @Test
    void anFcntlLockHeldByAnotherProcessShouldDeferThenDeliverOnceReleased() throws Exception {
        Path mailbox = Files.createFile(spool.resolve("bob"));
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FcntlLockHolder.class.getName(), mailbox.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            Result result = delivery(0, true, false, 2, CLOCK).deliver("app@example.com", "bob@local.test", "bob",
                    message("S: x\r\n\r\nx\r\n"));
            assertEquals(new Result(Outcome.DEFERRED, "4.2.0", "cannot update mailbox " + mailbox
                    + " for user bob. unable to lock for exclusive access: Resource temporarily unavailable"), result);
            assertEquals(0, Files.size(mailbox));
            holder.getOutputStream().close();                      // the other process lets go
            assertTrue(holder.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            result = delivery(0, true, false, 2, CLOCK).deliver("app@example.com", "bob@local.test", "bob",
                    message("S: x\r\n\r\nx\r\n"));
            assertEquals("2.0.0", result.dsn(), result.text());
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aSymbolicLinkOrAHardLinkedFileShouldBounceAndStayUntouched() throws Exception {
        Path target = Files.writeString(spool.resolve("elsewhere"), "precious\n");
        Files.createSymbolicLink(spool.resolve("bob"), target);
        Result result = delivery().deliver("app@example.com", "bob@local.test", "bob", message("S: x\r\n\r\nx\r\n"));
        assertEquals(new Result(Outcome.BOUNCED, "5.2.0", "cannot update mailbox " + spool.resolve("bob")
                + " for user bob. file is a symbolic link"), result);
        Files.createLink(spool.resolve("alice"), target);
        result = delivery().deliver("app@example.com", "alice@local.test", "alice", message("S: x\r\n\r\nx\r\n"));
        assertEquals(new Result(Outcome.BOUNCED, "5.2.0", "cannot update mailbox " + spool.resolve("alice")
                + " for user alice. file has 2 hard links"), result);
        assertEquals("precious\n", Files.readString(target));
        assertFalse(Files.exists(spool.resolve("alice.lock")));
    }

    @Test
    void concurrentDeliveriesToOneMailboxShouldNeverInterleave() throws Exception {
        int threads = 8;
        int each = 12;
        int lines = 4000;                      // about 100 KB: more than one write(2) per message
        // Two deliverers stand for two engines in one JVM: they must exclude each other too.
        List<MailboxDelivery> deliverers = List.of(delivery(), delivery());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Result>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < each; i++) {
                String id = t + "-" + i;
                StringBuilder body = new StringBuilder("Subject: " + id + "\r\n\r\n");
                for (int line = 0; line < lines; line++) {
                    body.append("From ").append(id).append(" line ").append(line).append("\r\n");
                }
                body.append("end ").append(id).append("\r\n");
                MailboxDelivery d = deliverers.get((t + i) % 2);
                results.add(pool.submit(() -> d.deliver("app@example.com", "bob@local.test", "bob",
                        message(body.toString()))));
            }
        }
        for (Future<Result> f : results) {
            Result r = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("2.0.0", r.dsn(), r.text());
        }
        pool.shutdown();
        List<List<String>> messages = parse(Files.readString(spool.resolve("bob")));
        assertEquals(threads * each, messages.size());
        Set<String> seen = new HashSet<>();
        for (List<String> m : messages) {
            String id = m.get(4).substring("Subject: ".length());
            assertTrue(seen.add(id), "delivered once: " + id);
            assertEquals(4 + 1 + 1 + lines + 1 + 1, m.size(), "message " + id + " is whole");
            for (int line = 0; line < lines; line++) {
                assertEquals(">From " + id + " line " + line, m.get(6 + line));
            }
            assertEquals("end " + id, m.get(6 + lines));
            assertEquals("", m.get(7 + lines));
        }
    }

    /** Splits an mbox at its From_ lines; each message keeps its own lines, the From_ line first. */
    private static List<List<String>> parse(String mbox) {
        List<List<String>> messages = new ArrayList<>();
        List<String> current = null;
        for (String line : mbox.split("\n", -1)) {
            if (line.startsWith("From ")) {
                current = new ArrayList<>();
                messages.add(current);
            }
            if (current != null) {
                current.add(line);
            }
        }
        if (current != null && current.get(current.size() - 1).isEmpty()) {
            current.remove(current.size() - 1);                      // the split after the final LF
        }
        return Collections.unmodifiableList(messages);
    }

    private static void awaitCondition(String what, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
