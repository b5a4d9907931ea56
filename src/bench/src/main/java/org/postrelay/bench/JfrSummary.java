package org.postrelay.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The profile of a JFR recording, aggregated as {@code jfr print --events jdk.ExecutionSample}
 * would be by hand: the hottest methods by self samples (top frame), our own methods by inclusive
 * samples, where threads sat in native code, and the fsyncs (jdk.FileForce) and GC pauses.
 */
final class JfrSummary {

    private JfrSummary() {
    }

    static String markdown(Path recording, long messages) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> selfOwn = new HashMap<>();
        Map<String, Integer> nativeSelf = new HashMap<>();
        Map<String, Integer> forceSites = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        long forces = 0;
        Duration forceTime = Duration.ZERO;
        long gcs = 0;
        Duration gcPause = Duration.ZERO;
        Map<String, Duration> parked = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            String type = e.getEventType().getName();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    List<RecordedFrame> frames = frames(e);
                    if (!frames.isEmpty()) {
                        self.merge(name(frames.get(0)), 1, Integer::sum);
                        selfOwn.merge(firstOwn(frames), 1, Integer::sum);
                    }
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame f : frames) {
                        String n = name(f);
                        if (own(n) && seen.add(n)) {
                            inclusive.merge(n, 1, Integer::sum);
                        }
                    }
                }
                case "jdk.NativeMethodSample" -> {
                    List<RecordedFrame> frames = frames(e);
                    if (frames.stream().anyMatch(f -> own(name(f)))) {    // the engine's threads, not the harness's
                        nativeSamples++;
                        nativeSelf.merge(name(frames.get(0)) + " ← " + firstOwn(frames), 1, Integer::sum);
                    }
                }
                case "jdk.FileForce" -> {
                    forces++;
                    forceTime = forceTime.plus(e.getDuration());
                    forceSites.merge(firstOwn(frames(e)), 1, Integer::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcs++;
                    gcPause = gcPause.plus(e.getDuration("sumOfPauses"));
                }
                case "jdk.ThreadPark", "jdk.JavaMonitorEnter" -> {
                    List<RecordedFrame> frames = frames(e);
                    if (frames.stream().anyMatch(f -> own(name(f)))) {   // idle pool threads have no engine frame
                        String what = type.equals("jdk.JavaMonitorEnter")
                                ? "monitor of " + e.getClass("monitorClass").getName()
                                : "park in " + waitSite(frames);
                        parked.merge(what + " ← " + firstOwn(frames), e.getDuration(), Duration::plus);
                    }
                }
                default -> { }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("Execution samples (threads running Java code, every 2 ms): ").append(samples).append("\n\n");
        table(md, "hot method (self: top frame)", self, samples, 10);
        md.append('\n');
        table(md, "the same samples by the Postrelay method that called in (first engine frame)", selfOwn, samples, 10);
        md.append('\n');
        table(md, "Postrelay method (inclusive: anywhere on the stack)", inclusive, samples, 10);
        md.append("\nNative method samples of the engine's threads (inside native code: I/O, fsync, waits): ")
                .append(nativeSamples).append("\n\n");
        table(md, "native frame ← first Postrelay frame", nativeSelf, nativeSamples, 6);
        md.append(String.format("%nfsync/fdatasync (jdk.FileForce, every one recorded): %d for %d messages = %.2f per "
                        + "message, %.1f ms each on average%n%n", forces, messages, forces / (double) Math.max(1, messages),
                forces == 0 ? 0 : forceTime.toNanos() / 1e6 / forces));
        table(md, "who forced (first Postrelay frame)", forceSites, (int) Math.max(1, forces), 6);
        md.append(String.format("%nGC: %d collections, %.1f ms of pauses in total.%n", gcs, gcPause.toNanos() / 1e6));
        if (!parked.isEmpty()) {
            md.append("\nWaits over 1 ms of the engine's threads (jdk.ThreadPark, jdk.JavaMonitorEnter), summed over all threads:\n\n");
            md.append("| wait | total ms |\n| --- | ---: |\n");
            parked.entrySet().stream().sorted(Map.Entry.<String, Duration>comparingByValue().reversed()).limit(6)
                    .forEach(en -> md.append("| `").append(en.getKey()).append("` | ")
                            .append(String.format("%.0f", en.getValue().toNanos() / 1e6)).append(" |\n"));
        }
        return md.toString();
    }

    private static void table(StringBuilder md, String title, Map<String, Integer> counts, int total, int limit) {
        md.append("| ").append(title).append(" | samples | share |\n| --- | ---: | ---: |\n");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .forEach(en -> md.append("| `").append(en.getKey()).append("` | ").append(en.getValue()).append(" | ")
                        .append(String.format("%.1f%%", 100.0 * en.getValue() / Math.max(1, total))).append(" |\n"));
    }

    private static List<RecordedFrame> frames(RecordedEvent e) {
        RecordedStackTrace st = e.getStackTrace();
        return st == null ? List.of() : st.getFrames();
    }

    private static String name(RecordedFrame f) {
        if (f.getMethod() == null) {
            return "?";
        }
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** Where a parked thread waits: the first frame above the JDK's parking machinery. */
    private static String waitSite(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (!n.startsWith("jdk.internal.misc.Unsafe") && !n.startsWith("java.util.concurrent.locks.")) {
                return n;
            }
        }
        return "?";
    }

    /** A method of the engine (not of the harness, not a lambda's generated class). */
    private static boolean own(String name) {
        return name.startsWith("org.postrelay.") && !name.startsWith("org.postrelay.bench.") && !name.contains("$$Lambda");
    }

    /** The first frame of our engine on the stack (where the work came from), else the top frame. */
    private static String firstOwn(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (own(n)) {
                return n;
            }
        }
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (n.startsWith("org.postrelay.bench.")) {
                return "(harness) " + n;
            }
        }
        return frames.isEmpty() ? "?" : frames.stream().limit(1).map(JfrSummary::name).collect(Collectors.joining());
    }
}
