package org.postrelay.queue;

/**
 * Counters of a spool since it was opened, for the benchmark and the logs: how well the group
 * commit shares fsyncs between committers.
 *
 * @param commits          messages made durable by {@link SpoolWriter#commit()}
 * @param removes          messages removed by {@link Spool#remove}
 * @param directoryFsyncs  directory fsyncs of every queue directory and of the journal directory
 * @param incomingFsyncs   the part of directoryFsyncs done on incoming/ (the commit path without journal)
 * @param journaled        commits made durable through the journal
 * @param journalForces    fdatasyncs of the journal (each covers a batch of commits and removals)
 * @param acceptForces     the part of journalForces that carried at least one new message
 * @param materialized     journaled messages whose queue files the journal's background task forced
 *                         (the others were removed before it had to)
 */
public record SpoolStats(long commits, long removes, long directoryFsyncs, long incomingFsyncs, long journaled,
                         long journalForces, long acceptForces, long materialized) {

    /** Counters of a spool without journal. */
    public SpoolStats(long commits, long removes, long directoryFsyncs, long incomingFsyncs) {
        this(commits, removes, directoryFsyncs, incomingFsyncs, 0, 0, 0, 0);
    }

    /** Committed messages per directory fsync of incoming/ (0 when none yet). */
    public double commitsPerIncomingFsync() {
        return incomingFsyncs == 0 ? 0 : (double) commits / incomingFsyncs;
    }

    /**
     * Committed messages per fsync that acknowledged them: journal forces that carried new messages
     * plus incoming/ directory fsyncs (0 when none yet). The benchmark's "messages per fsync" on the
     * accept path.
     */
    public double commitsPerAcceptFsync() {
        long fsyncs = acceptForces + incomingFsyncs;
        return fsyncs == 0 ? 0 : (double) commits / fsyncs;
    }
}
