package org.postrelay.queue;

/**
 * What {@link Spool#recover()} did at start: files requeued from active/, unacknowledged partial
 * files removed from incoming/, unreadable files moved to corrupt/, complete files left in incoming/.
 */
public record RecoveryReport(int requeuedFromActive, int removedPartial, int movedToCorrupt, int incomingKept) {
}
