package org.postrelay.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accept journal: group commit, removals recorded so that no replay brings a message back,
 * queue files forced in the background, and restart after a crash (a spool abandoned without
 * close(): what SIGKILL leaves), with or without the unforced queue files (what a power loss can
 * leave).
 */
class JournalTest {

    /** An executor that never runs the background task: nothing happens behind the test's back. */
    private static final Executor NO_BACKGROUND = task -> { };
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<ExecutorService> executors = new ArrayList<>();
    /** Queue files the journal's file writer announced (qmgr's hint in the engine). */
    private final Set<QueueId> ready = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Spool> abandoned = new ArrayList<>();

    @AfterEach
    void stopBackgroundTasks() {
        abandoned.forEach(Spool::close);
        executors.forEach(ExecutorService::shutdownNow);
    }

    private Executor background() {
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "journal-test-background");
            t.setDaemon(true);
            return t;
        });
        executors.add(executor);
        return executor;
    }

    private Spool journaled(Path spoolDir, Executor background, Journal.Settings settings) throws IOException {
        Spool spool = Spool.open(spoolDir);
        spool.recover();
        spool.startJournal(background, ready::add, settings);
        return spool;
    }

    private Spool journaled(Executor background) throws IOException {
        return journaled(dir, background, Journal.Settings.DEFAULT);
    }

    /** A crash: the spool is dropped without close(); its files stay as they are (closed after the test). */
    private void crash(Spool spool) {
        abandoned.add(spool);
    }

    private static byte[] body(String tag) {
        return ("Subject: " + tag + "\r\n\r\n" + "x".repeat(300) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static QueueId queue(Spool spool, String tag) throws IOException {
        return SpoolTest.queue(spool, "s@example.com", List.of(tag + "@example.org"), body(tag));
    }

    private static List<Path> segments(Path spoolDir) throws IOException {
        return Journal.segments(spoolDir.resolve(Journal.DIRECTORY));
    }

    private static void awaitFiles(Spool spool, List<QueueId> ids) throws InterruptedException {
        await("queue files written", () -> ids.stream().noneMatch(spool::isBeingWritten));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void concurrentCommitsShouldBeJournaledReadableAndShareForces() throws Exception {
        int threads = 20;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        executors.add(pool);
        try (Spool spool = journaled(background())) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<QueueId>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<QueueId>> committer = () -> {
                    start.await();
                    List<QueueId> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        ids.add(queue(spool, "t" + thread + "-" + i));
                    }
                    return ids;
                };
                results.add(pool.submit(committer));
            }
            start.countDown();
            Set<QueueId> all = new HashSet<>();
            for (Future<List<QueueId>> result : results) {
                awaitFiles(spool, result.get(2, TimeUnit.MINUTES));
            }
            for (int t = 0; t < threads; t++) {
                List<QueueId> ids = results.get(t).get(2, TimeUnit.MINUTES);
                for (int i = 0; i < ids.size(); i++) {
                    assertTrue(all.add(ids.get(i)), "distinct ids");
                    Envelope envelope = spool.read(QueueName.INCOMING, ids.get(i));
                    assertEquals("t" + t + "-" + i + "@example.org", envelope.recipients().get(0).address());
                    assertArrayEquals(body("t" + t + "-" + i), SpoolTest.readContent(spool, QueueName.INCOMING, envelope));
                }
            }
            assertEquals(all, ready, "each queue file announced once written");
            SpoolStats stats = spool.stats();
            assertEquals(threads * perThread, stats.commits());
            assertEquals(threads * perThread, stats.journaled(), "every small message goes through the journal");
            assertEquals(0, stats.incomingFsyncs(), "no directory fsync on the accept path: " + stats);
            assertTrue(stats.acceptForces() > 0 && stats.acceptForces() < stats.commits(), "forces shared: " + stats);
        }
    }

    @Test
    void theFileWriterShouldWriteAndAnnounceTheQueueFileAfterTheCommitReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService executor = Executors.newCachedThreadPool();
        executors.add(executor);
        Executor held = task -> executor.execute(() -> {  // the background tasks start only when released
            try {
                release.await();
            } catch (InterruptedException e) {
                return;
            }
            task.run();
        });
        try (Spool spool = journaled(dir, held, Journal.Settings.DEFAULT)) {
            QueueId inline = queue(spool, "inline");      // no file writer yet: the committer writes it
            assertTrue(Files.exists(spool.path(QueueName.INCOMING, inline)));
            assertFalse(spool.isBeingWritten(inline));
            assertEquals(Set.of(inline), ready);
            release.countDown();
            await("the file writer runs", () -> spool.journal().fileWriterRunning());
            QueueId later = queue(spool, "later");
            awaitFiles(spool, List.of(later));
            assertEquals(Set.of(inline, later), ready);
            assertArrayEquals(body("later"), SpoolTest.readContent(spool, QueueName.INCOMING,
                    spool.read(QueueName.INCOMING, later)));
        }
    }

    @Test
    void removedFilesShouldBeReusedForNewMessages() throws Exception {
        try (Spool spool = journaled(NO_BACKGROUND)) {
            QueueId first = queue(spool, "first");
            spool.move(first, QueueName.INCOMING, QueueName.ACTIVE);
            spool.remove(QueueName.ACTIVE, first);
            Path reuse = dir.resolve("reuse");
            assertEquals(List.of(reuse.resolve(first.toString())), list(reuse), "kept for reuse, out of every queue");
            assertFalse(Files.exists(spool.path(QueueName.ACTIVE, first)));
            QueueId second = SpoolTest.queue(spool, "s@example.com", List.of("b@example.org"),
                    "Subject: short\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII));   // shorter than the first
            assertEquals(List.of(), list(reuse), "the file was reused");
            Envelope envelope = spool.read(QueueName.INCOMING, second);
            assertEquals("b@example.org", envelope.recipients().get(0).address());
            assertArrayEquals("Subject: short\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII),
                    SpoolTest.readContent(spool, QueueName.INCOMING, envelope), "overwritten and truncated");
        }
    }

    @Test
    void aReusedFileWhoseNewContentWasLostShouldBeRewrittenFromTheJournal() throws Exception {
        Spool spool = journaled(NO_BACKGROUND);
        QueueId old = queue(spool, "old");
        byte[] oldFile = Files.readAllBytes(spool.path(QueueName.INCOMING, old));
        spool.remove(QueueName.INCOMING, old);
        QueueId reused = queue(spool, "new");
        byte[] newFile = Files.readAllBytes(spool.path(QueueName.INCOMING, reused));
        crash(spool);
        // a power loss that kept the rename out of reuse/ but not the overwrite: the old bytes
        Files.write(dir.resolve("incoming").resolve(reused.toString()), oldFile);

        try (Spool restarted = Spool.open(dir)) {
            RecoveryReport report = restarted.recover();
            assertEquals(1, report.journalRestored(), report.toString());
            assertArrayEquals(newFile, Files.readAllBytes(restarted.path(QueueName.INCOMING, reused)));
            assertEquals(Set.of(reused), ids(restarted, QueueName.INCOMING), "the old message stays removed");
        }
    }

    private static List<Path> list(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.toList();
        }
    }

    @Test
    void aRemovedMessageShouldNotComeBackAfterACrashAndTheOthersShouldStay() throws Exception {
        Spool spool = journaled(NO_BACKGROUND);
        QueueId kept = queue(spool, "kept");
        QueueId delivered = queue(spool, "delivered");
        QueueId deferred = queue(spool, "deferred");
        spool.move(delivered, QueueName.INCOMING, QueueName.ACTIVE);
        spool.remove(QueueName.ACTIVE, delivered);
        spool.move(deferred, QueueName.INCOMING, QueueName.ACTIVE);
        spool.move(deferred, QueueName.ACTIVE, QueueName.DEFERRED);
        assertFalse(Files.exists(spool.path(QueueName.ACTIVE, delivered)));
        crash(spool);

        try (Spool restarted = Spool.open(dir)) {
            RecoveryReport report = restarted.recover();
            assertEquals(0, report.journalRestored(), "the queue files were all there: " + report);
            assertEquals(0, report.journalRemoved(), report.toString());
            assertEquals(Set.of(kept), ids(restarted, QueueName.INCOMING));
            assertEquals(Set.of(deferred), ids(restarted, QueueName.DEFERRED));
            assertEquals(Set.of(), ids(restarted, QueueName.ACTIVE));
            assertEquals(List.of(), segments(dir), "the journal is replayed and deleted");
        }
    }

    @Test
    void aPowerLossShouldRestoreLostQueueFilesFromTheJournalButNotRemovedOnes() throws Exception {
        Spool spool = journaled(NO_BACKGROUND);
        QueueId lost = queue(spool, "lost");
        QueueId cut = queue(spool, "cut");
        QueueId delivered = queue(spool, "delivered");
        QueueId held = queue(spool, "held");
        byte[] lostFile = Files.readAllBytes(spool.path(QueueName.INCOMING, lost));
        spool.move(held, QueueName.INCOMING, QueueName.HOLD);
        spool.move(delivered, QueueName.INCOMING, QueueName.ACTIVE);
        spool.remove(QueueName.ACTIVE, delivered);
        crash(spool);
        // what the disk may hold after a power loss: never-forced queue files gone or cut short,
        // and an unlink that was not forced undone
        Files.delete(dir.resolve("incoming").resolve(lost.toString()));
        byte[] whole = Files.readAllBytes(dir.resolve("incoming").resolve(cut.toString()));
        Files.write(dir.resolve("incoming").resolve(cut.toString()), java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.write(dir.resolve("active").resolve(delivered.toString()), whole);

        try (Spool restarted = Spool.open(dir)) {
            RecoveryReport report = restarted.recover();
            assertEquals(2, report.journalRestored(), report.toString());
            assertEquals(1, report.journalRemoved(), report.toString());
            assertEquals(Set.of(lost, cut), ids(restarted, QueueName.INCOMING));
            assertEquals(Set.of(held), ids(restarted, QueueName.HOLD), "a complete file stays where it was moved");
            assertEquals(Set.of(), ids(restarted, QueueName.ACTIVE), "removed mail does not come back");
            assertArrayEquals(lostFile, Files.readAllBytes(restarted.path(QueueName.INCOMING, lost)),
                    "restored byte for byte");
            assertArrayEquals(body("cut"), SpoolTest.readContent(restarted, QueueName.INCOMING,
                    restarted.read(QueueName.INCOMING, cut)));
            assertEquals(List.of(), segments(dir));
        }
    }

    @Test
    void aJournalCutAtEveryOffsetShouldRestoreExactlyTheWholeRecords() throws Exception {
        Spool spool = journaled(NO_BACKGROUND);
        List<QueueId> ids = new ArrayList<>();
        List<byte[]> files = new ArrayList<>();
        List<Long> ends = new ArrayList<>();                 // journal offset after each record
        Path segmentFile = segments(dir).get(0);
        for (int i = 0; i < 4; i++) {                        // small messages: fewer offsets to cut at
            QueueId id = SpoolTest.queue(spool, "", List.of("m" + i + "@example.org"),
                    ("Subject: " + i + "\r\n\r\nm\r\n").getBytes(StandardCharsets.US_ASCII));
            ids.add(id);
            files.add(Files.readAllBytes(spool.path(QueueName.INCOMING, id)));
            ends.add(JournalSegment.HEADER + records(files, ids.size()));
        }
        spool.move(ids.get(1), QueueName.INCOMING, QueueName.ACTIVE);
        spool.remove(QueueName.ACTIVE, ids.get(1));          // a REMOVED record after the four images
        long removedEnd = ends.get(3) + JournalSegment.recordSize(QueueId.LENGTH);
        byte[] journal = Files.readAllBytes(segmentFile);
        crash(spool);

        for (long cut = 0; cut <= removedEnd + 1; cut++) {
            for (boolean garbageTail : new boolean[] {false, true}) {
                Path spoolDir = dir.resolve("after-the-cut");        // emptied after each round
                Path journalDir = spoolDir.resolve(Journal.DIRECTORY);
                Files.createDirectories(journalDir);
                byte[] image = java.util.Arrays.copyOf(journal, (int) removedEnd + 64);   // the zeros beyond do not matter
                java.util.Random random = new java.util.Random(cut);
                for (int b = (int) cut; b < image.length; b++) {
                    image[b] = garbageTail ? (byte) random.nextInt(256) : 0;    // torn write, or never written
                }
                Files.write(journalDir.resolve(segmentFile.getFileName()), image);
                try (Spool restarted = Spool.open(spoolDir, DirectorySync.NONE)) {   // only the journal survived
                    RecoveryReport report = restarted.recover();
                    Set<QueueId> expected = new HashSet<>();
                    for (int i = 0; i < ids.size(); i++) {
                        if (ends.get(i) <= cut && !(i == 1 && removedEnd <= cut)) {
                            expected.add(ids.get(i));
                        }
                    }
                    long at = cut;
                    assertEquals(expected, ids(restarted, QueueName.INCOMING), () -> "journal cut at " + at);
                    assertEquals(new RecoveryReport(0, 0, 0, expected.size(), expected.size(), 0), report,
                            () -> "journal cut at " + at + ": only whole records are replayed");
                    for (QueueId id : expected) {
                        assertArrayEquals(files.get(ids.indexOf(id)),
                                Files.readAllBytes(restarted.path(QueueName.INCOMING, id)), "cut at " + cut);
                    }
                    assertEquals(0, restarted.count(QueueName.CORRUPT));
                    assertEquals(List.of(), segments(spoolDir));
                    for (QueueId id : expected) {
                        Files.delete(restarted.path(QueueName.INCOMING, id));
                    }
                }
                Files.deleteIfExists(spoolDir.resolve(Spool.CLEAN_STOP));   // each round is a crash
            }
        }
    }

    /** Journal bytes of the first n images. */
    private static long records(List<byte[]> files, int n) {
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += JournalSegment.recordSize(QueueId.LENGTH + files.get(i).length);
        }
        return total;
    }

    @Test
    void markedRecipientsShouldSurviveARestartThatReplaysTheImage() throws Exception {
        Spool spool = journaled(NO_BACKGROUND);
        QueueId id = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org", "b@example.org"), body("two"));
        spool.move(id, QueueName.INCOMING, QueueName.ACTIVE);
        spool.markRecipients(QueueName.ACTIVE, id, Map.of(0, RecipientStatus.DELIVERED));
        assertEquals(JournalEntry.State.MATERIALIZED, spool.journal().entry(id).state(),
                "forced with its directory before the marks count");
        crash(spool);

        try (Spool restarted = Spool.open(dir)) {
            restarted.recover();
            Envelope envelope = restarted.read(QueueName.INCOMING, id);
            assertEquals(RecipientStatus.DELIVERED, envelope.recipients().get(0).status());
            assertEquals(RecipientStatus.PENDING, envelope.recipients().get(1).status());
        }
    }

    @Test
    void theBackgroundTaskShouldForceLongLivedQueueFilesAndDeleteFullSegments() throws Exception {
        Journal.Settings small = new Journal.Settings(16 * 1024, 16 * 1024, 0, 16);
        try (Spool spool = journaled(dir, background(), small)) {
            List<QueueId> ids = new ArrayList<>();
            for (int i = 0; i < 60; i++) {              // several segments' worth
                ids.add(queue(spool, "m" + i));
            }
            awaitFiles(spool, ids);
            Journal journal = spool.journal();
            await("full segments retired", () -> journal.sealedCount() == 0);
            assertTrue(spool.stats().materialized() > 0, spool.stats().toString());
            assertTrue(journal.entryCount() < ids.size(), "retired messages are forgotten: " + journal.entryCount());
            QueueId retired = ids.get(0);
            assertNull(journal.entry(retired));
            spool.move(retired, QueueName.INCOMING, QueueName.ACTIVE);
            spool.remove(QueueName.ACTIVE, retired);     // a plain durable remove now
            assertEquals(ids.size() - 1, spool.count(QueueName.INCOMING));
        }
        assertEquals(List.of(), segments(dir), "close retires the last segment");
        try (Spool restarted = Spool.open(dir)) {
            RecoveryReport report = restarted.recover();
            assertEquals(new RecoveryReport(0, 0, 0, 0, 0, 0, true), report, "a clean stop: incoming/ not read");
            assertEquals(59, restarted.count(QueueName.INCOMING));
        }
    }

    @Test
    void closeShouldForceWhatIsLiveAndLeaveNoJournal() throws Exception {
        QueueId live;
        QueueId removed;
        try (Spool spool = journaled(NO_BACKGROUND)) {
            live = queue(spool, "live");
            removed = queue(spool, "removed");
            spool.remove(QueueName.INCOMING, removed);
        }
        assertEquals(List.of(), segments(dir));
        try (Spool restarted = Spool.open(dir)) {
            assertEquals(new RecoveryReport(0, 0, 0, 0, 0, 0, true), restarted.recover());
            assertEquals(Set.of(live), ids(restarted, QueueName.INCOMING));
        }
    }

    @Test
    void tooManySealedSegmentsShouldMakeCommittersRetireThemFirst() throws Exception {
        Journal.Settings tiny = new Journal.Settings(8 * 1024, 8 * 1024, Long.MAX_VALUE, 1);
        try (Spool spool = journaled(dir, NO_BACKGROUND, tiny)) {
            for (int i = 0; i < 100; i++) {
                queue(spool, "m" + i);
                assertTrue(spool.journal().sealedCount() <= 1, "bounded: " + spool.journal().sealedCount());
            }
            assertEquals(100, spool.count(QueueName.INCOMING));
            assertTrue(spool.stats().materialized() > 0, spool.stats().toString());
        }
    }

    @Test
    void aLargeMessageShouldBeForcedOnItsOwnAndNeedNoJournal() throws Exception {
        try (Spool spool = journaled(NO_BACKGROUND)) {
            byte[] large = new byte[200 * 1024];
            java.util.Arrays.fill(large, (byte) 'y');
            QueueId id = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), large);
            assertNull(spool.journal().entry(id));
            assertEquals(1, spool.stats().incomingFsyncs());
            assertEquals(0, spool.stats().journaled());
            assertArrayEquals(large, SpoolTest.readContent(spool, QueueName.INCOMING, spool.read(QueueName.INCOMING, id)));
        }
    }

    @Test
    void preparedMessagesShouldBypassTheJournal() throws Exception {
        try (Spool spool = journaled(NO_BACKGROUND)) {
            QueueId id;
            try (SpoolWriter writer = spool.create(QueueName.PREPARED, "s@example.com", List.of("a@example.org"),
                    Map.of("xid", "x"), Instant.now(), null)) {
                writer.content().write(body("xa"));
                id = writer.commit();
            }
            assertNull(spool.journal().entry(id));
            assertEquals(0, spool.stats().journaled());
            spool.commitPrepared(List.of(id));
            assertTrue(Files.exists(spool.path(QueueName.INCOMING, id)));
        }
    }

    @Test
    void aReplayCutShortByACrashShouldBeDoneAgainHarmlessly() throws Exception {
        Spool spool = journaled(NO_BACKGROUND);
        QueueId a = queue(spool, "a");
        QueueId b = queue(spool, "b");
        spool.remove(QueueName.INCOMING, b);
        crash(spool);
        Files.delete(dir.resolve("incoming").resolve(a.toString()));
        Path segment = segments(dir).get(0);
        byte[] journal = Files.readAllBytes(segment);
        try (Spool first = Spool.open(dir)) {
            first.recover();
        }
        Files.write(segment, journal);                   // as if the replay died before deleting the journal
        try (Spool second = Spool.open(dir)) {
            RecoveryReport report = second.recover();
            assertEquals(0, report.journalRestored(), "the restored file is found complete: " + report);
            assertEquals(Set.of(a), ids(second, QueueName.INCOMING));
        }
    }

    @Test
    void startJournalShouldRefuseAnUnreplayedJournal() throws Exception {
        Spool spool = journaled(NO_BACKGROUND);
        queue(spool, "a");
        crash(spool);
        try (Spool restarted = Spool.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> restarted.startJournal(NO_BACKGROUND, id -> { }));
            assertTrue(e.getMessage().contains("recover"), e.getMessage());
        }
    }

    @Test
    void aJournalThatCannotMakeItsDirectoryDurableShouldRefuseToStart() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (Spool spool = Spool.open(dir, directory -> {
            if (directory.endsWith(Journal.DIRECTORY)) {
                calls.incrementAndGet();
                throw new IOException("Input/output error");
            }
        })) {
            IOException e = assertThrows(IOException.class, () -> spool.startJournal(NO_BACKGROUND, id -> { }));
            assertTrue(e.getMessage().contains("journal") && e.getMessage().contains("Input/output error"),
                    e.getMessage());
            assertEquals(1, calls.get());
            assertEquals(List.of(), segments(dir), "the segment whose name is not durable is gone");
        }
    }

    @Test
    void aCommitThatNeedsANewSegmentWhichCannotBeMadeShouldTakeTheDirectPath() throws Exception {
        AtomicInteger journalSyncs = new AtomicInteger();
        Spool spool = Spool.open(dir, directory -> {
            if (directory.endsWith(Journal.DIRECTORY) && journalSyncs.incrementAndGet() > 1) {
                throw new IOException("No space left on device");
            }
        });
        abandoned.add(spool);
        spool.startJournal(NO_BACKGROUND, id -> { }, new Journal.Settings(4 * 1024, 4 * 1024, 0, 16));
        List<QueueId> ok = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ok.add(queue(spool, "m" + i));              // the journal is an optimisation: no segment, no refusal
        }
        SpoolStats stats = spool.stats();
        assertTrue(stats.journaled() > 0 && stats.journaled() < 50, "the first segment took some: " + stats);
        assertEquals(50 - stats.journaled(), stats.incomingFsyncs(), "the others were forced as single files: " + stats);
        assertEquals(new HashSet<>(ok), ids(spool, QueueName.INCOMING), "every message is queued");
        for (QueueId id : ok) {
            spool.read(QueueName.INCOMING, id);            // complete and readable
        }
    }

    @Test
    void aRemovalShouldStillBeRecordedWhenNoNewSegmentCanBeMade() throws Exception {
        AtomicInteger journalSyncs = new AtomicInteger();
        Spool spool = Spool.open(dir, directory -> {
            if (directory.endsWith(Journal.DIRECTORY) && journalSyncs.incrementAndGet() > 1) {
                throw new IOException("No space left on device");
            }
        });
        abandoned.add(spool);
        spool.startJournal(NO_BACKGROUND, id -> { }, new Journal.Settings(4 * 1024, 4 * 1024, 0, 16));
        List<QueueId> journaled = new ArrayList<>();
        for (int i = 0; i < 50 && spool.stats().journaled() == journaled.size(); i++) {
            QueueId id = queue(spool, "m" + i);
            if (spool.stats().journaled() > journaled.size()) {
                journaled.add(id);
            }
        }
        assertTrue(journaled.size() > 1, "the first segment took some: " + spool.stats());
        for (QueueId id : journaled) {
            spool.remove(QueueName.INCOMING, id);           // REMOVED records go to the segment's reserve
        }
        Spool reopened = Spool.open(dir);                   // the first one abandoned, as by a crash
        abandoned.add(reopened);
        reopened.recover();
        Set<QueueId> back = ids(reopened, QueueName.INCOMING);
        back.retainAll(journaled);
        assertEquals(Set.of(), back, "removed messages came back from the journal");
    }

    private static Set<QueueId> ids(Spool spool, QueueName queue) throws IOException {
        Set<QueueId> ids = new HashSet<>();
        spool.forEach(queue, ids::add);
        return ids;
    }
}
