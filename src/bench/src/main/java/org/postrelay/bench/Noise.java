package org.postrelay.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * How noisy the machine was: per section, the CPU that processes other than the benchmark's used
 * (machine busy time minus the harness's process tree and the daemons it started), as a share of
 * all CPUs over the section's wall time.
 */
final class Noise {

    record Mark(long nanos, long machineTicks, long ownTicks) {
    }

    record Section(String name, double seconds, double foreignShare, double ownShare, String loadAverage) {
    }

    private final int cpus = Runtime.getRuntime().availableProcessors();
    private final long self = ProcessHandle.current().pid();
    private final List<Long> tracked = new ArrayList<>();   // daemons that left our process tree

    /** Also counts these processes' trees as the benchmark's own (daemonised MTAs). */
    synchronized void track(long pid) {
        tracked.add(pid);
    }

    synchronized void untrack() {
        tracked.clear();
    }

    synchronized Mark mark() {
        return new Mark(System.nanoTime(), ProcStat.machineBusyTicks(), ownTicks());
    }

    synchronized Section section(String name, Mark from) {
        Mark to = mark();
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        double all = seconds * ProcStat.TICKS_PER_SECOND * cpus;
        double busy = to.machineTicks() - from.machineTicks();
        double own = to.ownTicks() - from.ownTicks();
        return new Section(name, seconds, Math.max(0, (busy - own) / all), own / all, ProcStat.loadAverage());
    }

    private long ownTicks() {
        long ticks = ProcStat.treeTicks(self);
        for (long pid : tracked) {
            ticks += ProcStat.treeTicks(pid);
        }
        return ticks;
    }

    int cpus() {
        return cpus;
    }
}
