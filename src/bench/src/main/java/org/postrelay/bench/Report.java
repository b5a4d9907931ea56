package org.postrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The figures as a table of ratios (each Postrelay figure beside its Postfix or Angus counterpart
 * of the same run; ratio &gt; 1 means Postrelay is better, whichever way "better" points) and the
 * results file: the table, every run's value, the profile, the noise and how it was measured.
 */
final class Report {

    private enum Better { HIGHER, LOWER }

    /** A target from issue 7: a ratio at least this, and/or Postrelay's own value at most this. */
    private record Target(String text, double ratioAtLeast, double oursAtMost) {
        static final Target NONE = new Target("", Double.NaN, Double.NaN);

        static Target ratio(String text, double atLeast) {
            return new Target(text, atLeast, Double.NaN);
        }
    }

    private record Row(String scenario, String figure, String unit, String ours, String counterpart, String theirs,
                       double theirsConstant, Better better, Target target) {
    }

    private final Settings settings;
    private final Map<String, List<Double>> results;
    private final Map<String, String> failures;
    private final List<Noise.Section> noise;
    private final String profile;
    private final LocalDateTime started;
    private final Duration took;

    Report(Settings settings, Map<String, List<Double>> results, Map<String, String> failures,
           List<Noise.Section> noise, String profile, LocalDateTime started, Duration took) {
        this.settings = settings;
        this.results = results;
        this.failures = failures;
        this.noise = noise;
        this.profile = profile;
        this.started = started;
        this.took = took;
    }

    private static List<Row> rows() {
        List<Row> r = new ArrayList<>();
        String pfAccept = "Postfix smtpd accept (smtp-source -s %s)";
        String pfLatency = "Transport.send into Postfix's smtpd, %s thread%s";
        for (String t : List.of("1", "20")) {
            String senders = t + (t.equals("1") ? " sender" : " senders");
            String threadS = t.equals("1") ? "" : "s";
            r.add(new Row("1", "API accept, " + senders, "msg/s", "api." + t + ".accept_rate",
                    String.format(pfAccept, t), "smtpd.postfix." + t + ".accept_rate", Double.NaN, Better.HIGHER,
                    t.equals("20") ? Target.ratio("≥ 5× (stretch 10×)", 5) : Target.NONE));
            r.add(new Row("1", "send() p50, " + senders, "ms", "api." + t + ".p50_ms",
                    String.format(pfLatency, t, threadS), "angus.postfix." + t + ".p50_ms", Double.NaN, Better.LOWER,
                    Target.NONE));
            r.add(new Row("1", "send() p99, " + senders, "ms", "api." + t + ".p99_ms",
                    String.format(pfLatency, t, threadS), "angus.postfix." + t + ".p99_ms", Double.NaN, Better.LOWER,
                    t.equals("20") ? new Target("p99 ≤ 10 ms (stretch 5 ms)", Double.NaN, 10) : Target.NONE));
            r.add(new Row("1", "send() p99.9, " + senders, "ms", "api." + t + ".p999_ms",
                    String.format(pfLatency, t, threadS), "angus.postfix." + t + ".p999_ms", Double.NaN, Better.LOWER,
                    Target.NONE));
            r.add(new Row("1", "messages per fsync on the accept path, " + senders, "msgs", "api." + t + ".per_accept_fsync",
                    "Postfix: one fsync per queue file", null, Double.NaN, Better.HIGHER, Target.NONE));
        }
        for (String t : List.of("1", "20")) {
            r.add(new Row("2", "end to end, API, " + t + (t.equals("1") ? " sender" : " senders"), "msg/s",
                    "api." + t + ".e2e_rate", "Postfix end to end (smtp-source -s " + t + " → Postfix → sink)",
                    "smtpd.postfix." + t + ".e2e_rate", Double.NaN, Better.HIGHER,
                    t.equals("20") ? Target.ratio("≥ 2×", 2) : Target.NONE));
        }
        for (String s : List.of("20", "1")) {
            String src = "smtp-source -s " + s;
            r.add(new Row("3", "SMTP in accept, " + src, "msg/s", "smtpd.postrelay." + s + ".accept_rate",
                    "Postfix smtpd, same load", "smtpd.postfix." + s + ".accept_rate", Double.NaN, Better.HIGHER,
                    s.equals("20") ? Target.ratio("≥ 1×", 1) : Target.NONE));
            r.add(new Row("3", "SMTP in end to end, " + src, "msg/s", "smtpd.postrelay." + s + ".e2e_rate",
                    "Postfix, same load", "smtpd.postfix." + s + ".e2e_rate", Double.NaN, Better.HIGHER,
                    s.equals("20") ? Target.ratio("≥ 1×", 1) : Target.NONE));
            r.add(new Row("3", "SMTP in CPU per 1000 msgs, " + src, "s", "smtpd.postrelay." + s + ".cpu_s_per_1000",
                    "Postfix (all its processes)", "smtpd.postfix." + s + ".cpu_s_per_1000", Double.NaN, Better.LOWER,
                    Target.NONE));
        }
        r.add(new Row("4", "sendmail, one process per message", "ms/call", "sendmail.postrelay.ms_per_call",
                "Postfix's /usr/sbin/sendmail", "sendmail.postfix.ms_per_call", Double.NaN, Better.LOWER,
                Target.ratio("≥ 1×", 1)));
        for (String t : List.of("1", "20")) {
            String callers = t + (t.equals("1") ? " thread" : " threads");
            r.add(new Row("5", "API send() rate vs Transport.send to smtp-sink, " + callers, "msg/s",
                    "api." + t + ".accept_rate", "Transport.send to smtp-sink", "angus.sink." + t + ".rate",
                    Double.NaN, Better.HIGHER, Target.NONE));
            r.add(new Row("5", "API send() p99 vs Transport.send p99, " + callers, "ms", "api." + t + ".p99_ms",
                    "Transport.send to smtp-sink", "angus.sink." + t + ".p99_ms", Double.NaN, Better.LOWER,
                    Target.NONE));
        }
        for (String t : List.of("1", "20")) {
            String callers = t + (t.equals("1") ? " thread" : " threads");
            r.add(new Row("6", "10 ms relay: send() p99, " + callers, "ms", "relay.api." + t + ".p99_ms",
                    "Transport.send p99 to the same relay", "relay.angus." + t + ".p99_ms", Double.NaN, Better.LOWER,
                    t.equals("20") ? Target.ratio("≥ 20× lower", 20) : Target.NONE));
            r.add(new Row("6", "10 ms relay: delivered, " + callers, "msg/s", "relay.api." + t + ".e2e_rate",
                    "Transport.send rate to the same relay", "relay.angus." + t + ".rate", Double.NaN, Better.HIGHER,
                    t.equals("20") ? Target.ratio("≥ 3×", 3) : Target.NONE));
        }
        r.add(new Row("7", "queue fill with the relay down, 20 senders", "msg/s", "scale.fill_rate",
                "API accept, 20 senders, relay up (row 1)", "api.20.accept_rate", Double.NaN, Better.HIGHER,
                Target.NONE));
        r.add(new Row("7", "heap in use after GC (most seen)", "MB", "scale.heap", "the issue's bound", null, 256,
                Better.LOWER, Target.ratio("≤ 256 MB", 1)));
        r.add(new Row("7", "restart: Master.start returns (spool recovery)", "s", "scale.restart_s",
                "the issue's bound", null, 30, Better.LOWER, Target.NONE));
        r.add(new Row("7", "restart: queue manager's loop answers", "s", "scale.restart_ready_s",
                "the issue's bound", null, 30, Better.LOWER, Target.ratio("≤ 30 s", 1)));
        r.add(new Row("7", "first delivery after postqueue -f", "s", "scale.drain_first_s", "", null, Double.NaN,
                Better.LOWER, Target.NONE));
        r.add(new Row("7", "drain after postqueue -f", "msg/s", "scale.drain_rate",
                "our end to end, 20 senders (row 2)", "api.20.e2e_rate", Double.NaN, Better.HIGHER,
                Target.ratio("≥ 1×", 1)));
        r.add(new Row("7", "drain after postqueue -f", "msg/s", "scale.drain_rate",
                "Postfix end to end, -s 20", "smtpd.postfix.20.e2e_rate", Double.NaN, Better.HIGHER, Target.NONE));
        return r;
    }

    /** The ratio table (markdown, also what the console shows). */
    String table() {
        StringBuilder t = new StringBuilder();
        t.append("| # | figure | Postrelay | counterpart | its value | ratio | target | spread |\n");
        t.append("| --- | --- | ---: | --- | ---: | ---: | --- | --- |\n");
        for (Row row : rows()) {
            List<Double> ours = values(row.ours());
            if (ours == null) {
                continue;
            }
            double o = Stats.median(ours);
            List<Double> theirs = row.theirs() == null ? null : values(row.theirs());
            double c = row.theirs() == null ? row.theirsConstant() : theirs == null ? Double.NaN : Stats.median(theirs);
            double ratio = Double.isNaN(c) ? Double.NaN : row.better() == Better.HIGHER ? o / c : c / o;
            t.append("| ").append(row.scenario()).append(" | ").append(row.figure()).append(" | ")
                    .append(format(o, row.unit())).append(" | ").append(row.counterpart()).append(" | ")
                    .append(Double.isNaN(c) ? "—" : format(c, row.unit())).append(" | ")
                    .append(Double.isNaN(ratio) ? "—" : String.format("%.2f×", ratio)).append(" | ")
                    .append(verdict(row.target(), ratio, o)).append(" | ")
                    .append(spread(ours)).append(theirs == null ? "" : " / " + spread(theirs)).append(" |\n");
        }
        if (!failures.isEmpty()) {
            t.append("\nFAILED: ").append(failures).append('\n');
        }
        return t.toString();
    }

    private List<Double> values(String key) {
        if (key.equals("scale.heap")) {                  // the bound: the most any measurement saw
            List<Double> all = new ArrayList<>();
            for (String k : List.of("scale.fill_heap_mb", "scale.restart_heap_mb", "scale.restart_heap_5s_mb",
                    "scale.drain_heap_mb")) {
                all.addAll(results.getOrDefault(k, List.of()));
            }
            return all.isEmpty() ? null : List.of(all.stream().mapToDouble(Double::doubleValue).max().getAsDouble());
        }
        return results.get(key);
    }

    private static String verdict(Target target, double ratio, double ours) {
        if (target.text().isEmpty()) {
            return "";
        }
        boolean met = true;
        if (!Double.isNaN(target.ratioAtLeast())) {
            if (Double.isNaN(ratio)) {
                return target.text() + ": no counterpart";
            }
            met = ratio >= target.ratioAtLeast();
        }
        if (!Double.isNaN(target.oursAtMost())) {
            met = ours <= target.oursAtMost();
        }
        return target.text() + (met ? ": met" : ": **missed**");
    }

    private static String spread(List<Double> v) {
        if (v.size() < 2) {
            return "1 run";
        }
        double s = Stats.spread(v);
        return s <= 2 ? String.format("±%.0f%%", 50 * s)             // beyond that a range says more
                : String.format("%.3g–%.3g", Stats.min(v), Stats.max(v));
    }

    private static String format(double v, String unit) {
        String n;
        if (unit.equals("msg/s") || unit.equals("MB")) {
            n = String.format("%.0f", v);
        } else if (Math.abs(v) >= 100) {
            n = String.format("%.0f", v);
        } else if (Math.abs(v) >= 10) {
            n = String.format("%.1f", v);
        } else {
            n = String.format("%.2f", v);
        }
        return n + " " + unit;
    }

    static String minutes(Duration d) {
        return String.format("%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }

    /** The whole results file. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Postrelay benchmark, ").append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append("\n\n");
        md.append("Command: `src/bench/run").append(arguments()).append("` — the whole run took ")
                .append(minutes(took)).append(".");
        if (!settings.documented()) {
            md.append(" **Not the documented run**: smaller or partial (").append(settings).append(").");
        }
        md.append("\n\n").append(machine()).append("\n\n");
        md.append("## Ratios\n\n");
        md.append("Each figure is the median of ").append(settings.runs()).append(" runs, measured in this run beside ")
                .append("its counterpart. *ratio* > 1 means Postrelay is better (higher rate, or lower time/latency/CPU); ")
                .append("*spread* is ±half the range of the runs relative to the median (Postrelay / counterpart).\n\n");
        md.append(table()).append('\n');
        md.append("## Profile: API accept, 20 senders (JFR, one run after warm-up)\n\n");
        md.append(profile == null ? "(not run)\n" : profile).append('\n');
        md.append("## Noise\n\n");
        md.append("CPU used by processes other than the benchmark's (its JVMs, smtp-sink, smtp-source, the daemons), ")
                .append("as a share of all ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs over each section:\n\n");
        md.append("| section | wall s | others' CPU | benchmark's CPU | load average at the end |\n");
        md.append("| --- | ---: | ---: | ---: | --- |\n");
        for (Noise.Section s : noise) {
            md.append(String.format("| %s | %.0f | %.0f%% | %.0f%% | %s |%n", s.name(), s.seconds(),
                    100 * s.foreignShare(), 100 * s.ownShare(), s.loadAverage()));
        }
        md.append("\n## Every figure (each run's value, in run order)\n\n");
        md.append("| key | median | runs |\n| --- | ---: | --- |\n");
        results.forEach((k, v) -> md.append("| `").append(k).append("` | ")
                .append(String.format("%.3f", Stats.median(v))).append(" | ").append(Stats.values(v)).append(" |\n"));
        md.append("\n").append(HOW);
        return md.toString();
    }

    private String arguments() {
        StringBuilder a = new StringBuilder();
        for (String p : List.of("bench.runs", "bench.size", "bench.scale", "bench.only", "bench.sendmail")) {
            if (System.getProperty(p) != null) {
                a.append(" -D").append(p).append('=').append(System.getProperty(p));
            }
        }
        return a.toString();
    }

    private static String machine() {
        String cpu = "?";
        String mem = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        } catch (IOException e) {
            // leave "?"
        }
        return "Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), " + mem + ", Linux "
                + System.getProperty("os.version") + ", Java " + System.getProperty("java.vm.version") + ", "
                + postfixVersion() + ".";
    }

    private static String postfixVersion() {
        try {
            Process p = new ProcessBuilder("postconf", "-d", "-h", "mail_version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return "Postfix " + v;
        } catch (IOException | InterruptedException e) {
            return "Postfix ?";
        }
    }

    private static final String HOW = """
            ## How it was measured

            - **1, 2** — an embedded engine (`Master.start`, default parameters, `maillog_file` on) in a JVM of its
              own (`-Xmx1g`), relaying to `smtp-sink` on loopback. N callers each build a `MimeMessage` (From, To,
              Subject, 1 KiB text) and call `RelayConnection.send(MimeMessage)`, durable on return; only the
              `send()` is timed. A fresh spool per run, one warm-up run first. *Accept* = messages / time until the
              last `send()` returned; *end to end* = messages / time until `smtp-sink -c` counted the last one.
              Messages per fsync: `Spool.stats()` commits per fsync that acknowledged them (the accept journal's
              forces that carried new messages, plus `incoming/` directory fsyncs of messages too large for it).
            - **3** — `smtp-source -s S -m N -l 1024` into each daemon's smtpd (`src/bin/postrelay -c DIR start`;
              `postfix -c DIR start`, an instance of the benchmark's own with queue and config under a temp directory,
              no chroot), both null clients configured alike (relayhost `[127.0.0.1]:SINK`, myorigin,
              `mydestination =`, `inet_interfaces = loopback-only`, mynetworks 127.0.0.0/8, a mail log file).
              Runs interleave Postrelay and Postfix. *Accept* = N / smtp-source's wall time; *end to end* = N / time
              until the sink counted N; CPU = utime+stime of the daemon's process tree, reaped children included
              (`/proc/PID/stat`), per 1000 messages end to end.
            - **1, latency counterpart** — `Transport.send` into the Postfix instance's smtpd (Postfix replies only
              once the queue file is fsynced, so it is the same promise as `send()`), waiting before each run until
              Postfix's queue is empty.
            - **4** — a bash loop running each `sendmail -f SENDER RCPT < message` 1000 times, one process per
              message, one after another; wall time per call; then until the sink counted them all.
            - **5** — `Transport.send(message)` per message (a connection per message, as the static method does)
              to `smtp-sink`, 1 and 20 threads, in a JVM of its own.
            - **6** — an in-process SMTP server on loopback that behaves like a relay 10 ms of round trip away: each
              reply leaves 10 ms after its command arrived (greeting, EHLO, MAIL, RCPT, DATA, end of data, RSET,
              NOOP; QUIT's answer at once), so commands pipelined together are answered together after one delay. It
              offers PIPELINING: Postrelay's client uses it (MAIL, RCPT, DATA in one write: two round trips per
              message on a reused connection), Angus's `Transport.send` does not (Angus has no pipelining: six round
              trips per message: greeting, EHLO, MAIL, RCPT, DATA, end of data). *delivered* = messages / time until the relay sent its 250 for the
              last one (for Transport.send the call returns when it has).
            - **7** — 20 senders queue N messages into an engine whose relayhost is a closed port, in a JVM limited
              to `-Xmx256m` (the issue's memory bound: an OutOfMemoryError would fail the run); heap = used after a
              full GC (`MemoryMXBean.gc()`), the most seen. Restart = `Master.start` in a new JVM over the full spool
              (after the previous run's clean stop recovery reads active/ only, by each file's END record), and
              until the queue manager's loop first answers (it reads deferred/ and incoming/ a hundred files per turn,
              so it answers within a turn); repeated; the last restart starts `smtp-sink` on the relay's
              port, calls `flush()` (`postqueue -f`), times the first delivery, then counts deliveries in fixed
              windows from there.
            - Noise: see the table above; *spread* shows how far the runs of each figure lay apart.
            """;
}
