package org.postrelay.queue;

/**
 * What {@link Spool#recover()} did at start: files requeued from active/, unacknowledged partial
 * files removed from incoming/, unreadable files moved to corrupt/, complete files left in incoming/;
 * and from the journal an earlier run left: queue files rewritten from their journaled image, and
 * queue files deleted because the journal records their removal.
 */
public record RecoveryReport(int requeuedFromActive, int removedPartial, int movedToCorrupt, int incomingKept,
                             int journalRestored, int journalRemoved) {

    /** A report without journal work. */
    public RecoveryReport(int requeuedFromActive, int removedPartial, int movedToCorrupt, int incomingKept) {
        this(requeuedFromActive, removedPartial, movedToCorrupt, incomingKept, 0, 0);
    }
}
