package org.postrelay.queue;

/**
 * A message whose acknowledgement rests on its image in a journal segment, until that segment is
 * retired. Its state and move count are guarded by the entry itself ({@code synchronized}).
 */
final class JournalEntry {

    enum State {
        /** Durable in the journal; its queue file is not written yet (the file writer's turn). */
        NO_FILE,
        /** Only the journal makes it durable: its queue file is written but may not be on disk yet. */
        LIVE,
        /** Its queue file and directory entry are forced: the journal is no longer needed for it. */
        MATERIALIZED,
        /** Unlinked; its REMOVED record is being forced. */
        REMOVING,
        /** Unlinked and its REMOVED record is forced: a replay will not bring it back. */
        REMOVED,
        /** Gone from the spool without a forced REMOVED record (that write failed, or the file vanished): one is still owed. */
        OWES_REMOVAL
    }

    final QueueId id;
    final JournalSegment segment;
    private State state = State.NO_FILE;
    private int moves;                               // renames since the entry was made

    JournalEntry(QueueId id, JournalSegment segment) {
        this.id = id;
        this.segment = segment;
    }

    synchronized State state() {
        return state;
    }

    synchronized void state(State next) {
        state = next;
    }

    synchronized int moves() {
        return moves;
    }

    /** Called (holding this entry's monitor) after each rename of its queue file. */
    void moved() {
        moves++;
    }

    /** Whether its segment may be deleted as far as this message is concerned. */
    synchronized boolean settled() {
        return state == State.MATERIALIZED || state == State.REMOVED;
    }
}
