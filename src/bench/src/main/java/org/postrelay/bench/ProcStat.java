package org.postrelay.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time from Linux's /proc: of a process tree (a daemon and every process it forked, living or
 * reaped) and of the whole machine, in clock ticks (USER_HZ, 100 per second on Linux).
 */
final class ProcStat {

    static final double TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** A process's fields after "(comm)": [0]=state, [1]=ppid, [11]=utime, [12]=stime, [13]=cutime, [14]=cstime. */
    private static String[] fields(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    /**
     * utime + stime of {@code root} and of every living descendant, plus cutime + cstime of each
     * (what their reaped children used): a daemon's whole CPU, even of processes that came and went.
     */
    static long treeTicks(long root) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                String[] f = fields(pid);
                if (f != null) {
                    children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc: " + e, e);
        }
        long ticks = 0;
        Deque<Long> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            String[] f = fields(pid);
            if (f != null) {
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return ticks;
    }

    /** Busy ticks of all CPUs together since boot (everything but idle and iowait). */
    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {     // user nice system idle iowait irq softirq steal
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat: " + e, e);
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
