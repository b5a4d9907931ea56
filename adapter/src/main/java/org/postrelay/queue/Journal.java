package org.postrelay.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The accept journal (src/docs/queue-file.md, "The accept journal"): group commit for new messages.
 * Committers hand it the complete image of their queue file; the first of them to find no write
 * running becomes the leader and writes every image that joined (one write, one fdatasync of a
 * preallocated segment), the others wait. A message is acknowledged once its image is forced;
 * its own queue file, written afterwards by the {@link JournalFileWriter} and not forced, is what
 * qmgr and the commands read. A segment is
 * deleted (durably) once each of its messages is either removed with a forced REMOVED record or
 * materialized (its queue file and directory entry forced, by the background task after a grace
 * period, so that quickly delivered mail never costs a per-file fsync).
 */
final class Journal {

    private static final Logger LOG = Logger.getLogger("org.postrelay.queue");
    static final String DIRECTORY = "journal";
    /** Queue files forced at once by the background task. */
    private static final int MATERIALIZERS = 8;
    /**
     * Bytes of each segment that images leave to REMOVED records (~2,400 of them; a sixteenth of a
     * smaller segment): when no new segment can be made (disk full), delivered mail can still be
     * removed for good, which is what frees the space.
     */
    static final int REMOVAL_RESERVE = 64 << 10;

    /**
     * How the journal sizes and retires segments.
     *
     * @param minSegment the first segment's size; a segment that filled up quickly is followed by a
     *                   larger one, up to {@code maxSegment}
     * @param graceNanos how long the messages of a full (sealed) segment may stay live before the
     *                   background task forces their queue files: long enough for a backlog to be
     *                   delivered (and removed) without them, as forcing them costs the per-file
     *                   fsyncs the journal saves; it starts earlier when more than half of
     *                   {@code maxSealed} segments wait
     * @param maxSealed  sealed segments waiting for retirement beyond which new messages wait
     *                   (memory and disk stay bounded when nothing is delivered)
     */
    record Settings(long minSegment, long maxSegment, long graceNanos, int maxSealed) {
        static final Settings DEFAULT = new Settings(1 << 20, 8 << 20, TimeUnit.SECONDS.toNanos(30), 16);
    }

    /** One record waiting to be written; {@code failure} is set by the leader if it could not be. */
    private static final class Record {
        final byte type;
        final QueueId id;
        final byte[] rest;
        final int restLength;
        IOException failure;
        JournalEntry entry;                              // set by the leader for an image written

        Record(byte type, QueueId id, byte[] rest, int restLength) {
            this.type = type;
            this.id = id;
            this.rest = rest;
            this.restLength = restLength;
        }

        int size() {
            return JournalSegment.recordSize(QueueId.LENGTH + restLength);
        }
    }

    /** The records one leader writes and forces together. */
    private static final class Batch {
        final List<Record> records = new ArrayList<>();
        boolean done;
    }

    private final Spool spool;
    private final Path directory;
    private final DirectorySync directorySync;
    private final FileAttribute<?>[] fileAttributes;
    private final Settings settings;
    private final Executor background;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchDone = lock.newCondition();
    private final Condition wake = lock.newCondition();          // for the background task
    private final Condition retired = lock.newCondition();       // for committers held back
    private Batch pending = new Batch();
    private boolean running;
    private JournalSegment current;
    private JournalSegment spare;
    private final ArrayDeque<JournalSegment> sealed = new ArrayDeque<>();
    private long nextSequence;
    private long nextSize;
    /** After a segment could not be made: no new attempt before this (System.nanoTime()); lock held. */
    private long segmentBackoffUntil;
    private volatile boolean segmentBackoff;
    private IOException segmentFailure;
    private volatile boolean closing;                 // no new messages; REMOVED records still taken
    private boolean closed;                           // nothing taken
    private boolean backgroundStarted;
    private final CountDownLatch backgroundDone = new CountDownLatch(1);
    private ByteBuffer out = ByteBuffer.allocateDirect(256 * 1024);      // the leader's

    private final JournalFileWriter fileWriter;
    private final ReentrantLock retireLock = new ReentrantLock();
    private final Map<QueueId, JournalEntry> entries = new ConcurrentHashMap<>();
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong acceptForces = new AtomicLong();
    private final AtomicLong images = new AtomicLong();
    private final AtomicLong materialized = new AtomicLong();

    private Journal(Spool spool, Path directory, DirectorySync directorySync, FileAttribute<?>[] fileAttributes,
                    Settings settings, Executor background) {
        this.spool = spool;
        this.background = background;
        this.fileWriter = new JournalFileWriter(spool);
        this.directory = directory;
        this.directorySync = directorySync;
        this.fileAttributes = fileAttributes;
        this.settings = settings;
        this.nextSequence = System.currentTimeMillis() << 16;   // names stay unique across restarts
        this.nextSize = settings.minSegment();
    }

    /**
     * Starts a journal in an empty journal directory (recovery replays and deletes old segments
     * first), with its first segment ready, and its background task on {@code background}.
     */
    static Journal start(Spool spool, Path directory, DirectorySync directorySync, FileAttribute<?>[] fileAttributes,
                         Executor background, Settings settings) throws IOException {
        if (!segments(directory).isEmpty()) {
            throw new IllegalStateException("the journal " + directory + " holds segments of an earlier run: "
                    + "Spool.recover() replays them before a new journal starts");
        }
        Journal journal = new Journal(spool, directory, directorySync, fileAttributes, settings, background);
        journal.spare = journal.makeSegment();
        try {
            background.execute(journal.fileWriter::run);
            background.execute(journal::background);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    /** The segment files in a journal directory, oldest first (empty if there is no directory). */
    static List<Path> segments(Path directory) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (JournalSegment.sequenceOf(file.getFileName().toString()) >= 0) {
                    found.add(file);
                }
            }
        }
        found.sort((a, b) -> Long.compareUnsigned(JournalSegment.sequenceOf(a.getFileName().toString()),
                JournalSegment.sequenceOf(b.getFileName().toString())));
        return found;
    }

    /** The journal's record of a message, or null when its acknowledgement no longer rests on the journal. */
    JournalEntry entry(QueueId id) {
        return entries.get(id);
    }

    /**
     * A durable message's queue file is wanted in incoming/: the file writer task writes it (the
     * committer returns at once), or, while no such task runs, the committer itself.
     */
    void fileWanted(JournalEntry entry, byte[] image, int length) {
        fileWriter.fileWanted(entry, image, length);
    }

    /**
     * Journals the complete image of a new queue file; the message is durable when this returns
     * its entry (then hand the image to {@link #fileWanted}). Null when the journal takes no new
     * messages (it is closing): the caller writes and forces the file itself.
     */
    JournalEntry append(QueueId id, byte[] image, int length) throws IOException {
        Record record = new Record(JournalSegment.IMAGE, id, image, length);
        while (!closing && fileWriter.full()) {
            LockSupport.parkNanos(1_000_000);            // the file writer is far behind: memory stays bounded
        }
        lock.lock();
        try {
            while (!closing && sealed.size() >= settings.maxSealed()) {
                holdBack();
            }
            if (closing) {
                return null;
            }
            commit(record);
            return record.entry;
        } finally {
            lock.unlock();
        }
    }

    /** Journals that a message was removed; durable on return (no replay brings it back). */
    void removed(QueueId id) throws IOException {
        Record record = new Record(JournalSegment.REMOVED, id, null, 0);
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the journal " + directory + " is closed");
            }
            commit(record);
        } finally {
            lock.unlock();
        }
    }

    /** Too many sealed segments wait: help retire them (forcing queue files) before taking more. */
    private void holdBack() {
        lock.unlock();
        boolean progress;
        try {
            progress = retireRound(true);
        } finally {
            lock.lock();
        }
        if (!progress && !closing && sealed.size() >= settings.maxSealed()) {
            try {
                retired.awaitNanos(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Joins the pending batch and returns once a leader wrote and forced it. Lock held. */
    private void commit(Record record) throws IOException {
        Batch batch = pending;
        batch.records.add(record);
        while (!batch.done) {
            if (!running) {
                lead(batch);                 // the batch is still pending: nobody else took it
            } else {
                batchDone.awaitUninterruptibly();   // durability cannot be given up halfway
            }
        }
        if (record.failure instanceof JournalUnavailableException unavailable) {
            throw new JournalUnavailableException(unavailable.getMessage(), unavailable);
        }
        if (record.failure != null) {
            throw new IOException(record.failure.getMessage(), record.failure);
        }
    }

    /** Writes and forces one batch, the lock released during I/O; called and returns with the lock held. */
    private void lead(Batch batch) {
        running = true;
        pending = new Batch();
        List<Record> records = batch.records;
        try {
            int i = 0;
            while (i < records.size()) {
                JournalSegment segment;
                try {
                    segment = segmentFor(records.get(i));
                } catch (IOException e) {
                    fail(records, i, records.size(), e);
                    break;
                }
                int j = i;
                long bytes = 0;
                while (j < records.size() && fits(records.get(j), segment, segment.position + bytes)) {
                    bytes += records.get(j).size();
                    j++;
                }
                long at = segment.position;
                segment.position = at + bytes;
                IOException failure = null;
                lock.unlock();
                try {
                    write(segment, records, i, j, at);
                    segment.channel.force(false);       // data only: the segment's size never changes
                    forces.incrementAndGet();
                } catch (IOException e) {
                    failure = e;
                } catch (RuntimeException | Error e) {
                    failure = new IOException(e.toString(), e);
                } finally {
                    lock.lock();
                }
                if (failure != null) {
                    segment.broken = true;               // in doubt now: nothing more goes there
                    fail(records, i, j, new IOException("write journal " + segment.file + ": "
                            + Spool.reason(failure), failure));
                } else {
                    boolean accepted = false;
                    for (int k = i; k < j; k++) {
                        Record r = records.get(k);
                        if (r.type == JournalSegment.IMAGE) {
                            accepted = true;
                            JournalEntry entry = new JournalEntry(r.id, segment);
                            r.entry = entry;
                            segment.entries.add(entry);
                            entries.put(r.id, entry);
                            images.incrementAndGet();
                        }
                    }
                    if (accepted) {
                        acceptForces.incrementAndGet();
                    }
                }
                i = j;
            }
        } finally {
            batch.done = true;
            running = false;
            batchDone.signalAll();
        }
    }

    private static void fail(List<Record> records, int from, int to, IOException e) {
        for (int k = from; k < to; k++) {
            records.get(k).failure = e;
        }
    }

    /** Whether a record fits in a segment at {@code at}; an image leaves the removal reserve free. */
    private static boolean fits(Record record, JournalSegment segment, long at) {
        long reserve = record.type == JournalSegment.IMAGE ? Math.min(REMOVAL_RESERVE, segment.capacity / 16) : 0;
        return at + record.size() + reserve <= segment.capacity;
    }

    /**
     * The current segment if the record fits, else the next one (made here if none is ready); the
     * current one is sealed only once the next is there, so that while none can be made removals
     * still go to its reserve. Lock held.
     */
    private JournalSegment segmentFor(Record record) throws IOException {
        JournalSegment segment = current;
        if (segment != null && !segment.broken && fits(record, segment, segment.position)) {
            return segment;
        }
        JournalSegment next = spare;
        if (next == null || !fits(record, next, JournalSegment.HEADER)) {
            if (backingOff()) {
                throw new JournalUnavailableException(segmentFailure.getMessage(), segmentFailure);
            }
            IOException failure = null;
            lock.unlock();
            try {
                next = makeSegment(record.size() + record.size() / 8 + 16);   // room for its reserve too
            } catch (IOException e) {
                failure = e;
            } finally {
                lock.lock();
            }
            if (failure != null) {
                segmentFailed(failure);
                throw new JournalUnavailableException(failure.getMessage(), failure);
            }
        } else {
            spare = null;
        }
        if (segment != null) {
            seal(segment);
        }
        current = next;
        next.openedAt = System.nanoTime();
        wake.signalAll();                                // the background task makes the next spare
        return next;
    }

    /**
     * A segment could not be made (disk full or unwritable): for a second nobody tries again
     * (committers take the direct path meanwhile, the background task waits), and the next try
     * asks for the smallest size. Lock held.
     */
    private void segmentFailed(IOException e) {
        if (!segmentBackoff) {
            spool.releaseReusable();                     // reuse/ holds space the disk needs now
        }
        segmentFailure = e;
        segmentBackoff = true;
        segmentBackoffUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        nextSize = settings.minSegment();
    }

    /** Whether the last attempt to make a segment failed (disk full or unwritable): keep no files in reuse/. */
    boolean shortOfSpace() {
        return segmentBackoff;
    }

    /** Whether a segment failed to be made less than a second ago. Lock held. */
    private boolean backingOff() {
        if (segmentBackoff && System.nanoTime() - segmentBackoffUntil >= 0) {
            segmentBackoff = false;
        }
        return segmentBackoff;
    }

    /** No more records go to this segment; it waits for retirement. Lock held. */
    private void seal(JournalSegment segment) {
        segment.sealedAt = System.nanoTime();
        sealed.addLast(segment);
        current = null;
        long filledIn = segment.sealedAt - segment.openedAt;
        if (!segment.broken && filledIn < TimeUnit.SECONDS.toNanos(2)) {
            nextSize = Math.min(settings.maxSegment(), segment.capacity * 2);     // busy: larger segments
        } else if (filledIn > TimeUnit.SECONDS.toNanos(20)) {
            nextSize = Math.max(settings.minSegment(), segment.capacity / 2);    // quiet: less to zero-fill
        }
        wake.signalAll();
    }

    private JournalSegment makeSegment() throws IOException {
        return makeSegment(0);
    }

    /** Creates, zero-fills and forces a segment, and makes its name durable. Lock not held. */
    private JournalSegment makeSegment(int atLeast) throws IOException {
        long size;
        long sequence;
        lock.lock();
        try {
            size = Math.max(nextSize, JournalSegment.HEADER + (long) atLeast);
            sequence = nextSequence++;
        } finally {
            lock.unlock();
        }
        for (int attempt = 0; ; attempt++) {
            JournalSegment segment;
            try {
                segment = JournalSegment.create(directory, sequence, size, fileAttributes);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw new IOException("create journal segment " + directory.resolve(JournalSegment.name(sequence))
                            + ": file exists", e);
                }
                lock.lock();
                try {
                    sequence = nextSequence++;
                } finally {
                    lock.unlock();
                }
                continue;
            } catch (IOException e) {
                throw new IOException("create journal segment " + directory.resolve(JournalSegment.name(sequence))
                        + ": " + Spool.reason(e), e);
            }
            try {
                directorySync.sync();            // its name is durable before a record in it is acknowledged
            } catch (IOException e) {
                segment.closeQuietly();
                Files.deleteIfExists(segment.file);
                throw new IOException("create journal segment " + segment.file + " (directory fsync): "
                        + Spool.reason(e), e);
            }
            return segment;
        }
    }

    /** Writes records [from, to) at {@code at} through the leader's direct buffer. Lock not held. */
    private void write(JournalSegment segment, List<Record> records, int from, int to, long at) throws IOException {
        ByteBuffer buffer = out;
        long position = at;
        for (int k = from; k < to; k++) {
            Record r = records.get(k);
            int size = r.size();
            if (buffer.remaining() < size) {
                buffer.flip();
                position += JournalSegment.writeFully(segment.channel, buffer, position);
                buffer.clear();
                if (buffer.capacity() < size) {
                    buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(size) << 1);
                    out = buffer;
                }
            }
            JournalSegment.putRecord(buffer, segment.sequence, r.type, r.id, r.rest, r.restLength);
        }
        buffer.flip();
        JournalSegment.writeFully(segment.channel, buffer, position);
        buffer.clear();
    }

    // ---- retirement

    /** The background task: keeps a spare segment ready and retires sealed segments. */
    private void background() {
        lock.lock();
        try {
            if (closing) {                       // started too late: close() did the work
                return;
            }
            backgroundStarted = true;            // close() waits for it from now on
        } finally {
            lock.unlock();
        }
        try {
            while (true) {
                boolean needSpare;
                lock.lock();
                try {
                    if (closing) {
                        return;
                    }
                    needSpare = spare == null && !backingOff();
                } finally {
                    lock.unlock();
                }
                if (needSpare) {
                    try {
                        JournalSegment made = makeSegment();
                        lock.lock();
                        try {
                            if (spare == null && !closing) {
                                spare = made;
                                made = null;
                            }
                        } finally {
                            lock.unlock();
                        }
                        if (made != null) {
                            made.closeQuietly();
                            Files.deleteIfExists(made.file);
                        }
                    } catch (IOException e) {
                        lock.lock();
                        try {
                            segmentFailed(e);
                        } finally {
                            lock.unlock();
                        }
                        LOG.warning("journal: cannot prepare the next segment: " + e.getMessage()
                                + " (tried again in 1 s; meanwhile new messages are written as single files)");
                    }
                }
                if (!fileWriter.running() && fileWriter.hasFailed()) {
                    fileWriter.retryFailed();
                }
                retireRound(false);
                lock.lock();
                try {
                    if (!closing && (spare != null || segmentBackoff)) {
                        wake.awaitNanos(TimeUnit.MILLISECONDS.toNanos(250));
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "journal: background task stopped: " + e, e);
        } finally {
            backgroundDone.countDown();
        }
    }

    /**
     * Deletes sealed segments, oldest first, whose messages are all settled; a segment past its
     * grace period (or all of them, when {@code urgent}) has its live messages materialized first.
     * Returns whether a segment was retired.
     */
    boolean retireRound(boolean urgent) {
        retireLock.lock();
        try {
            boolean progress = false;
            while (true) {
                JournalSegment oldest;
                lock.lock();
                try {
                    oldest = sealed.peekFirst();
                } finally {
                    lock.unlock();
                }
                if (oldest == null) {
                    return progress;
                }
                boolean due = urgent || System.nanoTime() - oldest.sealedAt >= settings.graceNanos()
                        || sealedCount() > settings.maxSealed() / 2;       // falling behind: start before it blocks
                if (!settle(oldest, due)) {
                    return progress;
                }
                try {
                    retire(oldest);
                } catch (IOException e) {
                    LOG.warning("journal: cannot retire " + oldest.file + ": " + e.getMessage() + " (tried again later)");
                    return progress;
                }
                progress = true;
            }
        } finally {
            retireLock.unlock();
        }
    }

    /** Whether every message of the segment is settled, after materializing the live ones when due. */
    private boolean settle(JournalSegment segment, boolean due) {
        List<JournalEntry> unsettled = new ArrayList<>();
        for (JournalEntry e : segment.entries) {
            if (!e.settled()) {
                unsettled.add(e);
            }
        }
        if (unsettled.isEmpty()) {
            return true;
        }
        if (!due) {
            return false;
        }
        materialize(unsettled);
        for (JournalEntry e : unsettled) {
            if (e.state() == JournalEntry.State.OWES_REMOVAL) {
                try {
                    removed(e.id);
                    e.state(JournalEntry.State.REMOVED);
                } catch (IOException ex) {
                    LOG.warning("journal: " + e.id + ": cannot record its removal: " + ex.getMessage()
                            + " (tried again later)");
                }
            }
        }
        for (JournalEntry e : unsettled) {
            if (!e.settled()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Forces the queue files of live messages and then the directories they are in; a message
     * counts as materialized only if it was not renamed meanwhile (else it is tried again later).
     * The files are forced by up to {@value #MATERIALIZERS} tasks at once: ext4 (and others) merge
     * concurrent fsyncs into one journal commit, where forcing them one after another costs a
     * commit each.
     */
    private void materialize(List<JournalEntry> candidates) {
        List<JournalEntry> live = new ArrayList<>();
        for (JournalEntry e : candidates) {
            if (e.state() == JournalEntry.State.LIVE) {
                live.add(e);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        Map<JournalEntry, Integer> forced = new ConcurrentHashMap<>();
        Set<QueueName> queues = ConcurrentHashMap.newKeySet();
        Queue<JournalEntry> todo = new ConcurrentLinkedQueue<>(live);
        int[] helping = {0};                             // helpers at work, guarded by itself
        Runnable helper = () -> {
            synchronized (helping) {
                helping[0]++;
            }
            try {
                forceFiles(todo, forced, queues);
            } finally {
                synchronized (helping) {
                    helping[0]--;
                    helping.notifyAll();
                }
            }
        };
        int helpers = Math.min(MATERIALIZERS, live.size() / 16) - 1;
        for (int t = 0; t < helpers; t++) {
            try {
                background.execute(helper);
            } catch (RuntimeException refused) {
                break;                                   // no worker free: fewer helpers
            }
        }
        forceFiles(todo, forced, queues);                // never waits for a helper that has not started
        synchronized (helping) {
            while (helping[0] > 0) {
                try {
                    helping.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        for (QueueName queue : queues) {
            try {
                spool.sync(queue).sync();
            } catch (IOException ex) {
                LOG.warning("journal: cannot fsync the " + queue.directoryName() + " directory: " + ex.getMessage()
                        + " (tried again later)");
                return;
            }
        }
        forced.forEach((e, moves) -> {
            synchronized (e) {
                if (e.state() == JournalEntry.State.LIVE && e.moves() == moves) {
                    e.state(JournalEntry.State.MATERIALIZED);
                    materialized.incrementAndGet();
                }
            }
        });
    }

    private void forceFiles(Queue<JournalEntry> todo, Map<JournalEntry, Integer> forced, Set<QueueName> queues) {
        for (JournalEntry e = todo.poll(); e != null; e = todo.poll()) {
            synchronized (e) {                           // not renamed while its file is found and forced
                if (e.state() != JournalEntry.State.LIVE) {
                    continue;
                }
                try {
                    QueueName queue = spool.forceQueueFile(e.id);
                    if (queue == null) {
                        e.state(JournalEntry.State.OWES_REMOVAL);
                        LOG.warning(e.id + ": queue file vanished from the spool (removed by hand?): "
                                + "recording its removal in the journal");
                        continue;
                    }
                    queues.add(queue);
                    forced.put(e, e.moves());
                } catch (IOException ex) {
                    LOG.warning("journal: " + e.id + ": cannot force its queue file: " + ex.getMessage()
                            + " (tried again later)");
                }
            }
        }
    }

    /** Deletes a settled segment durably, then forgets its messages. */
    private void retire(JournalSegment segment) throws IOException {
        segment.closeQuietly();
        try {
            Files.delete(segment.file);
        } catch (NoSuchFileException gone) {
            // deleted by hand: its records are gone either way
        }
        directorySync.sync();               // deleted for good before its messages lose their REMOVED records
        lock.lock();
        try {
            sealed.remove(segment);
            retired.signalAll();
        } finally {
            lock.unlock();
        }
        for (JournalEntry e : segment.entries) {
            entries.remove(e.id, e);
        }
    }

    /**
     * Takes no new messages, lets the batch in flight finish, and retires every segment (forcing
     * the queue files still live). What cannot be retired now stays for the next start's recovery.
     */
    void close() {
        boolean started;
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            wake.signalAll();
            retired.signalAll();
            while (running) {
                batchDone.awaitUninterruptibly();
            }
            if (current != null && current.position > JournalSegment.HEADER) {
                seal(current);
            }
            started = backgroundStarted;
        } finally {
            lock.unlock();
        }
        fileWriter.stop();                               // the queued files are written first
        try {
            if (started && !backgroundDone.await(30, TimeUnit.SECONDS)) {
                LOG.warning("journal: the background task did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int attempt = 0; attempt < 50; attempt++) {          // removals in flight settle quickly
            lock.lock();
            try {
                if (current != null && current.position > JournalSegment.HEADER && !running) {
                    seal(current);                   // REMOVED records written while closing
                }
            } finally {
                lock.unlock();
            }
            boolean progress = retireRound(true);
            lock.lock();
            try {
                if (sealed.isEmpty() && (current == null || current.position == JournalSegment.HEADER)) {
                    break;
                }
                if (!progress && !removalsInFlight()) {
                    break;                           // an I/O error: recovery finishes it at the next start
                }
                retired.awaitNanos(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                lock.unlock();
            }
        }
        lock.lock();
        try {
            closed = true;
            for (JournalSegment segment : new JournalSegment[] {current, spare}) {
                if (segment == null) {
                    continue;
                }
                segment.closeQuietly();
                if (segment.position == JournalSegment.HEADER) {
                    try {                            // no records: nothing to replay, no fsync needed
                        Files.deleteIfExists(segment.file);
                    } catch (IOException e) {
                        LOG.fine("journal: cannot delete unused segment " + segment.file + ": " + e);
                    }
                } else {
                    sealed.add(segment);
                }
            }
            current = null;
            spare = null;
            if (!sealed.isEmpty()) {
                LOG.info("journal: " + sealed.size() + " segment(s) in " + directory
                        + " stay for the next start's recovery");
                sealed.forEach(JournalSegment::closeQuietly);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether a sealed segment has a message whose REMOVED record is being written. Lock held. */
    private boolean removalsInFlight() {
        for (JournalSegment segment : sealed) {
            for (JournalEntry e : segment.entries) {
                if (e.state() == JournalEntry.State.REMOVING) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Forces so far (one per batch and segment written). */
    long forces() {
        return forces.get();
    }

    /** Forces that carried at least one new message. */
    long acceptForces() {
        return acceptForces.get();
    }

    /** Whether the file writer task runs (for tests). */
    boolean fileWriterRunning() {
        return fileWriter.running();
    }

    /** Queue files the file writer (or a committer) wrote from their images. */
    long filesWritten() {
        return fileWriter.written();
    }

    /** Messages journaled so far. */
    long images() {
        return images.get();
    }

    /** Messages whose queue files the background task forced so far. */
    long materialized() {
        return materialized.get();
    }

    /** Messages whose acknowledgement still rests on the journal (for tests and the logs). */
    int entryCount() {
        return entries.size();
    }

    /** Segments sealed and not yet retired (for tests). */
    int sealedCount() {
        lock.lock();
        try {
            return sealed.size();
        } finally {
            lock.unlock();
        }
    }
}
