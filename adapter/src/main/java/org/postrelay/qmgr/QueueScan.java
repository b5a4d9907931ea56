package org.postrelay.qmgr;

import java.io.IOException;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueListing;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;

/**
 * A queue scan as Postfix's qmgr_scan.c: a pass over one queue directory that always runs to its
 * end, so every file gets its turn, read a little at a time between deliveries. A request while a
 * pass runs restarts the scan once that pass ends; "all" (postqueue -f: ignore the next-attempt
 * times) applies at once to the pass under way. Only the queue manager's thread uses it.
 */
final class QueueScan {

    private final Spool spool;
    private final QueueName queue;
    private QueueListing pass;                           // null: no pass under way
    private boolean all;                                 // the pass under way ignores next-attempt times
    private boolean requested;                           // start another pass when this one ends
    private boolean requestedAll;

    QueueScan(Spool spool, QueueName queue) {
        this.spool = spool;
        this.queue = queue;
    }

    /** Asks for a pass: now if none is under way, else right after the current one. */
    void request(boolean ignoreTimes) {
        requested = true;
        requestedAll |= ignoreTimes;
        if (pass != null && ignoreTimes) {
            all = true;
        }
    }

    /** The next queue id, or null when no pass is under way and none is requested. */
    QueueId next() throws IOException {
        if (pass != null) {
            QueueId id = pass.next();
            if (id != null) {
                return id;
            }
            pass = null;                                 // the listing closed itself at its end
        }
        if (!requested) {
            return null;
        }
        requested = false;
        all = requestedAll;
        requestedAll = false;
        pass = spool.list(queue);
        QueueId id = pass.next();
        if (id == null) {
            pass = null;
        }
        return id;
    }

    /** Whether the pass under way ignores next-attempt times (a flush). */
    boolean all() {
        return all;
    }

    /** Whether a pass is under way or requested. */
    boolean busy() {
        return pass != null || requested;
    }

    void close() {
        if (pass != null) {
            try {
                pass.close();
            } catch (IOException ignored) {
                // a directory stream: nothing to lose
            }
            pass = null;
        }
    }
}
