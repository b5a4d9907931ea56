package org.postrelay.queue;

/**
 * Counters of a spool since it was opened, for the benchmark and the logs: how well the group
 * commit shares directory fsyncs between committers.
 *
 * @param commits          messages made durable by {@link SpoolWriter#commit()}
 * @param removes          messages removed by {@link Spool#remove}
 * @param directoryFsyncs  directory fsyncs of every queue directory (commits and removes)
 * @param incomingFsyncs   the part of directoryFsyncs done on incoming/ (the commit path)
 */
public record SpoolStats(long commits, long removes, long directoryFsyncs, long incomingFsyncs) {

    /** Committed messages per directory fsync of incoming/ (0 when none yet). */
    public double commitsPerIncomingFsync() {
        return incomingFsyncs == 0 ? 0 : (double) commits / incomingFsyncs;
    }
}
