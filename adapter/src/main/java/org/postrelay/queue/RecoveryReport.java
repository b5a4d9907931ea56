package org.postrelay.queue;

/**
 * What {@link Spool#recover()} did at start: files requeued from active/, unacknowledged partial
 * files removed from incoming/, unreadable files moved to corrupt/, complete files left in incoming/
 * (0 when not counted: {@code cleanStop}); from the journal an earlier run left: queue files
 * rewritten from their journaled image, and queue files deleted because the journal records their
 * removal; and whether the last run had stopped cleanly, so that incoming/ was not read.
 */
public record RecoveryReport(int requeuedFromActive, int removedPartial, int movedToCorrupt, int incomingKept,
                             int journalRestored, int journalRemoved, boolean cleanStop) {

    /** A report after a run that did not stop cleanly. */
    public RecoveryReport(int requeuedFromActive, int removedPartial, int movedToCorrupt, int incomingKept,
                          int journalRestored, int journalRemoved) {
        this(requeuedFromActive, removedPartial, movedToCorrupt, incomingKept, journalRestored, journalRemoved, false);
    }

    /** A report without journal work. */
    public RecoveryReport(int requeuedFromActive, int removedPartial, int movedToCorrupt, int incomingKept) {
        this(requeuedFromActive, removedPartial, movedToCorrupt, incomingKept, 0, 0);
    }
}
