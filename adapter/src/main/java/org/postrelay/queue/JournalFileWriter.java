package org.postrelay.queue;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The accept journal's file writer: writes the queue files of journaled (already durable) messages
 * into incoming/, in order, off the committers' path, and tells the spool when each is there. A
 * failed write is tried again later; the journal keeps the message meanwhile.
 */
final class JournalFileWriter {

    private static final Logger LOG = Logger.getLogger("org.postrelay.queue");
    /** Files (and their bytes) waiting beyond which committers wait: memory stays bounded. */
    private static final int MAX_FILES_PENDING = 20_000;
    private static final long MAX_BYTES_PENDING = 64 << 20;

    /** A queue file to write from its image. */
    private record PendingFile(JournalEntry entry, byte[] image, int length) {
    }

    private final Spool spool;
    private final Queue<PendingFile> files = new ConcurrentLinkedQueue<>();
    private final Queue<PendingFile> failed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger filesPending = new AtomicInteger();
    private final AtomicLong bytesPending = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile Thread thread;                  // the task's thread while it runs
    private volatile boolean parked;
    private volatile boolean stopping;

    JournalFileWriter(Spool spool) {
        this.spool = spool;
    }

    /** The task: writes queued files in order, parks when there are none, until {@link #stop()}. */
    void run() {
        if (stopping) {
            return;                                  // started too late: stop() wrote what there was
        }
        thread = Thread.currentThread();
        try {
            long nextRetry = System.nanoTime();
            while (!stopping) {
                PendingFile file = files.poll();
                if (file != null) {
                    taken(file);
                    write(file);
                    continue;
                }
                if (!failed.isEmpty() && System.nanoTime() - nextRetry >= 0) {
                    retryFailed();
                    nextRetry = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                parked = true;
                if (files.isEmpty() && !stopping) {  // a file queued after the check unparks us
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                parked = false;
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "journal: file writer stopped: " + e, e);
        } finally {
            thread = null;
            writeQueued();                           // what was queued before it stopped
        }
    }

    /** Whether the task runs. */
    boolean running() {
        return thread != null;
    }

    /** Whether the task is so far behind that a committer should wait before adding to it. */
    boolean full() {
        return thread != null && (filesPending.get() >= MAX_FILES_PENDING || bytesPending.get() >= MAX_BYTES_PENDING);
    }

    /**
     * A durable message's queue file is wanted in incoming/: the task writes it (the committer
     * returns at once), or, while no task runs, the committer itself.
     */
    void fileWanted(JournalEntry entry, byte[] image, int length) {
        PendingFile file = new PendingFile(entry, image, length);
        if (thread == null) {
            write(file);
            return;
        }
        filesPending.incrementAndGet();
        bytesPending.addAndGet(length);
        files.add(file);
        Thread writer = thread;
        if (parked && writer != null) {
            LockSupport.unpark(writer);
        }
        if (thread == null) {
            writeQueued();                           // it stopped meanwhile: write ours here
        }
    }

    /** Writes what is queued and what failed before (once more); the task stops. */
    void stop() {
        stopping = true;
        Thread writer = thread;
        if (writer != null) {
            LockSupport.unpark(writer);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread != null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        writeQueued();
        retryFailed();
    }

    /** Tries the failed writes again (the journal's background task calls it while no task runs). */
    void retryFailed() {
        for (int n = failed.size(); n > 0; n--) {
            PendingFile file = failed.poll();
            if (file == null) {
                return;
            }
            write(file);
        }
    }

    boolean hasFailed() {
        return !failed.isEmpty();
    }

    /** Queue files written so far. */
    long written() {
        return written.get();
    }

    private void writeQueued() {
        for (PendingFile file = files.poll(); file != null; file = files.poll()) {
            taken(file);
            write(file);
        }
    }

    private void taken(PendingFile file) {
        filesPending.decrementAndGet();
        bytesPending.addAndGet(-file.length());
    }

    /** Writes one queue file; on failure it is tried again later. */
    private void write(PendingFile file) {
        JournalEntry entry = file.entry();
        try {
            spool.writeJournaledFile(entry.id, file.image(), file.length());
        } catch (IOException e) {
            LOG.warning(entry.id + ": " + e.getMessage() + " (the message is safe in the journal; tried again later)");
            failed.add(file);
            return;
        }
        synchronized (entry) {
            if (entry.state() == JournalEntry.State.NO_FILE) {
                entry.state(JournalEntry.State.LIVE);
            }
        }
        written.incrementAndGet();
        spool.fileReady(entry.id);
    }
}
