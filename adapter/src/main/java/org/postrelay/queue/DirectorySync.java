package org.postrelay.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group-committed fsync of one queue directory. Callers whose own work (a forced file, an unlink)
 * is complete join the next round; the first of them to find no round running becomes its leader
 * and fsyncs the directory for every member, outside the lock; the others wait on a condition.
 * No extra thread, no hand-off. A round covers exactly the callers that joined before it started,
 * and its outcome (success or the IOException) is given to each of them.
 */
final class DirectorySync {

    /** The fsync itself; replaceable in tests to inject failures and delays. */
    interface Syncer {
        void sync(Path directory) throws IOException;
    }

    /** A directory fsync on Linux/Unix: fsync(2) on a read-only descriptor of the directory. */
    static final Syncer FSYNC = directory -> {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    };

    /** Windows cannot open a directory as a file, and its metadata needs no separate flush. */
    static final Syncer NONE = directory -> { };

    /** One fsync and the callers it covers. */
    private static final class Round {
        boolean done;
        IOException failure;
    }

    private final Path directory;
    private final Syncer syncer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private final AtomicLong fsyncs = new AtomicLong();
    private Round pending = new Round();              // not started yet: the one new callers join
    private boolean running;
    private int waiting;                              // members of rounds not yet done (for tests)

    DirectorySync(Path directory, Syncer syncer) {
        this.directory = directory;
        this.syncer = syncer;
    }

    static Syncer platformSyncer() {
        return System.getProperty("os.name", "").startsWith("Windows") ? NONE : FSYNC;
    }

    Path directory() {
        return directory;
    }

    /**
     * Returns once a directory fsync that started after this call began has completed; throws
     * that fsync's IOException if it failed.
     */
    void sync() throws IOException {
        lock.lock();
        try {
            Round round = pending;
            waiting++;
            try {
                while (!round.done) {
                    if (!running) {
                        lead(round);             // round is still pending: nobody else started it
                    } else {
                        finished.awaitUninterruptibly();   // durability cannot be given up halfway
                    }
                }
            } finally {
                waiting--;
            }
            if (round.failure != null) {
                throw round.failure;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs one round with the lock released during the fsync; called with the lock held. */
    private void lead(Round round) {
        running = true;
        pending = new Round();
        IOException failure = null;
        lock.unlock();
        try {
            syncer.sync(directory);
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            failure = new IOException("fsync of directory " + directory + " failed: " + e, e);
        } finally {
            lock.lock();
            fsyncs.incrementAndGet();
            round.failure = failure;
            round.done = true;
            running = false;
            finished.signalAll();
        }
    }

    /** Directory fsyncs done so far. */
    long fsyncs() {
        return fsyncs.get();
    }

    /** Callers currently waiting for a round (test hook). */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }
}
