package org.postrelay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark run (issue 7): every scenario in order, each figure the median of
 * {@code bench.runs} runs beside its Postfix or Angus counterpart measured in the same run; prints
 * the table and writes {@code src/bench/results/DATE.md}. Started by {@code src/bench/run}.
 */
public final class Bench {

    private final Settings settings;
    private final Path work;                             // spools, Postfix, logs: removed at the end
    private final Path target;                           // src/bench/target: the JFR recording stays here
    private final Map<String, List<Double>> results = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final List<Noise.Section> noise = new ArrayList<>();
    private String profile;
    private final Noise meter = new Noise();

    private Bench(Settings settings, Path work, Path target) {
        this.settings = settings;
        this.work = work;
        this.target = target;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        Path target = settings.home().resolve("src/bench/target");
        Files.createDirectories(target);
        Path work = Files.createTempDirectory("postrelay-bench-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Bench bench = new Bench(settings, work, target);
        long start = System.nanoTime();
        LocalDateTime started = LocalDateTime.now();
        try {
            bench.runAll();
        } catch (Exception | Error e) {
            bench.failures.put("run", e.toString());
            e.printStackTrace();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Report report = new Report(settings, bench.results, bench.failures, bench.noise, bench.profile, started, took);
        String table = report.table();
        System.out.println();
        System.out.println(table);
        Files.createDirectories(settings.results());
        Path file = settings.results().resolve(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm")) + ".md");
        Files.writeString(file, report.markdown());
        System.out.println("results: " + file + "  (run took " + Report.minutes(took) + ")");
        if (!Boolean.getBoolean("bench.keep")) {         // a million-message spool takes minutes to delete here
            progress("removing " + work);
            long removing = System.nanoTime();
            new ProcessBuilder("rm", "-rf", work.toString()).inheritIO().start().waitFor();
            progress("removed in " + Report.minutes(Duration.ofNanos(System.nanoTime() - removing)));
        }
        if (!bench.failures.isEmpty()) {
            System.exit(1);
        }
    }

    private void runAll() throws Exception {
        progress("settings: " + settings + "; work directory " + work);
        section("api", this::api);
        section("angus", this::angus);
        section("relay", this::relay);
        if (settings.runs("smtpd") || settings.runs("sendmail")) {
            try {
                mtas();
            } catch (Exception e) {
                failures.put("smtpd/sendmail", e.toString());
                progress("!! the daemons failed: " + e);
                e.printStackTrace();
            }
        }
        section("scale", this::scale);
    }

    private interface Body {
        void run() throws Exception;
    }

    private void section(String name, Body body) {
        if (!settings.runs(name)) {
            return;
        }
        progress("== " + name);
        Noise.Mark mark = meter.mark();
        try {
            body.run();
        } catch (Exception | Error e) {
            failures.put(name, e.toString());
            progress("!! section " + name + " failed: " + e);
            e.printStackTrace();
        }
        noise.add(meter.section(name, mark));
    }

    // ---- 1 and 2: RelayConnection.send on an embedded engine, to smtp-sink ----

    private void api() throws Exception {
        int runs = settings.runs();
        child("api.1", List.of(), "api", "sink", "1", n(2000, 200), n(1000, 100), runs);
        child("api.20", List.of(), "api", "sink", "20", n(6000, 600), n(3000, 300), runs);
        Path jfr = target.resolve("profile-api-20.jfr");
        Map<String, List<Double>> p = child("profile.api.20", List.of(), "api", "sink", "20", n(6000, 600),
                n(3000, 300), 1, "profile=" + jfr);
        long messages = Math.round(p.getOrDefault("profile.api.20.commits", List.of(0.0)).get(0));
        profile = JfrSummary.markdown(jfr, messages);
    }

    // ---- 5: plain Angus Mail, Transport.send per message to smtp-sink ----

    private void angus() throws Exception {
        int runs = settings.runs();
        child("angus.sink.1", List.of(), "angus", "sink", "1", n(2000, 200), n(1000, 100), runs);
        child("angus.sink.20", List.of(), "angus", "sink", "20", n(6000, 600), n(2000, 200), runs);
    }

    // ---- 6: a relay that waits 10 ms before each reply ----

    private void relay() throws Exception {
        int runs = settings.runs();
        child("relay.api.1", List.of(), "api", "slow", "1", n(300, 50), n(200, 50), runs);
        child("relay.api.20", List.of(), "api", "slow", "20", n(2000, 200), n(500, 100), runs);
        child("relay.angus.1", List.of(), "angus", "slow", "1", n(100, 20), n(20, 10), runs);
        child("relay.angus.20", List.of(), "angus", "slow", "20", n(1000, 100), n(200, 40), runs);
    }

    // ---- 3 and 4: the daemons side by side, Postrelay's and Postfix's ----

    private void mtas() throws Exception {
        Path base = work.resolve("mta");
        try (SmtpSink sink = SmtpSink.start(0);
             PostfixInstance postfix = PostfixInstance.create(base.resolve("postfix"), SmtpSink.freePort(), sink.port());
             PostrelayDaemon postrelay = PostrelayDaemon.create(settings.home(), base.resolve("postrelay"),
                     SmtpSink.freePort(), sink.port())) {
            progress("starting Postfix (" + postfix.configDirectory() + ") and Postrelay (" + postrelay.configDirectory()
                    + ")");
            postfix.start();
            postrelay.start();
            long postfixPid = postfix.masterPid();
            long postrelayPid = postrelay.pid();
            meter.track(postfixPid);
            meter.track(postrelayPid);
            Mta ours = new Mta("postrelay", postrelay.smtpdPort(), () -> ProcStat.treeTicks(postrelayPid),
                    postrelay.bin().resolve("sendmail"), postrelay.configDirectory());
            Mta theirs = new Mta("postfix", postfix.smtpdPort(), () -> ProcStat.treeTicks(postfixPid),
                    Path.of("/usr/sbin/sendmail"), postfix.configDirectory());
            section("smtpd", () -> smtpd(sink, ours, theirs, postfix));
            section("sendmail", () -> sendmail(sink, ours, theirs));
            meter.untrack();
        }
    }

    private record Mta(String name, int port, java.util.function.LongSupplier cpuTicks, Path sendmail, Path config) {
    }

    private void smtpd(SmtpSink sink, Mta ours, Mta theirs, PostfixInstance postfix) throws Exception {
        int n20 = n(6000, 600);
        int n1 = n(1000, 100);
        for (Mta mta : List.of(ours, theirs)) {          // warm-up: JIT, and Postfix's processes started
            smtpSource(sink, mta, 20, n(1500, 150), null);
        }
        for (int run = 0; run < settings.runs(); run++) {
            for (Mta mta : List.of(ours, theirs)) {      // interleaved, so that drift hits both alike
                smtpSource(sink, mta, 20, n20, "smtpd." + mta.name() + ".20");
                smtpSource(sink, mta, 1, n1, "smtpd." + mta.name() + ".1");
            }
            progress("smtpd run " + (run + 1) + " of " + settings.runs() + " done");
        }
        // what an application waits on when it submits to a local Postfix: Transport.send into its smtpd
        String settle = "settle=" + String.join(",", postfix.queueDirectories().stream().map(Path::toString).toList());
        String at = "127.0.0.1:" + theirs.port();
        for (int threads : new int[] {1, 20}) {
            long before = sink.count();
            int n = threads == 1 ? n(600, 100) : n(3000, 300);
            int warm = threads == 1 ? n(200, 50) : n(600, 100);
            child("angus.postfix." + threads, List.of(), "angus", at, Integer.toString(threads), n, warm,
                    settings.runs(), settle);
            sink.awaitCount(before + warm + (long) n * settings.runs(), Duration.ofMinutes(5));
        }
    }

    /** smtp-source -s SESSIONS -m N -l 1024 into an MTA's smtpd, until the sink has counted all N. */
    private void smtpSource(SmtpSink sink, Mta mta, int sessions, int messages, String key) throws Exception {
        long before = sink.count();
        long cpu0 = mta.cpuTicks().getAsLong();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("smtp-source", "-s", Integer.toString(sessions), "-m", Integer.toString(messages),
                "-l", "1024", "-f", Messages.SENDER, "-t", "bench@example.org", "127.0.0.1:" + mta.port())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        long accepted = System.nanoTime();
        if (status != 0 || !out.isBlank()) {
            throw new IOException("smtp-source into " + mta.name() + " exited " + status + ": " + out);
        }
        long done = sink.awaitCount(before + messages, Duration.ofMinutes(5));
        long cpu1 = mta.cpuTicks().getAsLong();
        if (sink.count() != before + messages) {
            throw new IllegalStateException("the sink counted " + (sink.count() - before) + " of " + messages);
        }
        if (key != null) {
            put(key + ".accept_rate", messages / ((accepted - t0) / 1e9));
            put(key + ".e2e_rate", messages / ((done - t0) / 1e9));
            put(key + ".cpu_s_per_1000", (cpu1 - cpu0) / ProcStat.TICKS_PER_SECOND / (messages / 1000.0));
        }
    }

    private void sendmail(SmtpSink sink, Mta ours, Mta theirs) throws Exception {
        Path message = Messages.file(work);
        int calls = (int) Math.max(20, Math.round(settings.sendmailCalls() * Math.min(1, settings.size())));
        // one process per message, one after another, as a cron job or a PHP mail() does
        String loop = "for ((i=0; i<$2; i++)); do \"$0\" -f " + Messages.SENDER
                + " bench@example.org < \"$1\" || exit 1; done";
        for (Mta mta : List.of(ours, theirs)) {          // warm-up: page cache, pickup started
            sendmailCalls(sink, mta, loop, message, Math.max(10, calls / 10), null);
        }
        for (int run = 0; run < settings.runs(); run++) {
            for (Mta mta : List.of(ours, theirs)) {
                sendmailCalls(sink, mta, loop, message, calls, "sendmail." + mta.name());
            }
            progress("sendmail run " + (run + 1) + " of " + settings.runs() + " done");
        }
    }

    private void sendmailCalls(SmtpSink sink, Mta mta, String loop, Path message, int calls, String key)
            throws Exception {
        long before = sink.count();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", loop, mta.sendmail().toString(), message.toString(),
                Integer.toString(calls)).redirectErrorStream(true);
        pb.environment().put("MAIL_CONFIG", mta.config().toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        long t1 = System.nanoTime();
        if (status != 0) {
            throw new IOException(mta.sendmail() + " failed (exit " + status + "): " + out);
        }
        long done = sink.awaitCount(before + calls, Duration.ofMinutes(5));
        if (key != null) {
            put(key + ".ms_per_call", (t1 - t0) / 1e6 / calls);
            put(key + ".e2e_rate", calls / ((done - t0) / 1e9));
        }
    }

    // ---- 7: a million messages queued while the relay is down ----

    private void scale() throws Exception {
        Path dir = work.resolve("scale");
        Files.createDirectories(dir);
        int port = SmtpSink.freePort();                  // nothing listens there until the drain
        List<String> heap = List.of("-Xmx256m");         // the bound: the run fails if it does not hold
        progress("queueing " + settings.scale() + " messages with the relay down (progress every 10%)");
        child("scale", heap, "scale-fill", dir.toString(), port, settings.scale(), 20);
        int windowSeconds = settings.scale() >= 200_000 ? 20 : 5;
        for (int run = 0; run < settings.runs(); run++) {
            boolean last = run == settings.runs() - 1;
            child("scale", heap, "scale-restart", dir.toString(), port, last ? 3 : 0, windowSeconds);
        }
    }

    // ---- helpers ----

    private int n(int documented, int floor) {
        return settings.count(documented, floor);
    }

    private void put(String key, double value) {
        results.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    /** Runs a {@link Child} in a JVM of its own; its RESULT lines land under {@code prefix}. */
    private Map<String, List<Double>> child(String prefix, List<String> jvmOptions, Object... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx1g");                           // a later -Xmx (scale: 256m) wins
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        for (Object a : args) {
            command.add(a.toString());
        }
        Path log = work.resolve("child-" + prefix + "-" + System.nanoTime() + ".log");
        progress("-> " + prefix + ": " + String.join(" ", command.subList(command.indexOf(Child.class.getName()),
                command.size())));
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Map<String, List<Double>> got = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    String[] f = line.split(" ");
                    String key = prefix + "." + f[1];
                    double value = Double.parseDouble(f[2]);
                    got.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                    put(key, value);
                } else if (line.startsWith("INFO ")) {
                    progress("   " + prefix + ": " + line.substring(5));
                }
            }
        }
        int status = p.waitFor();
        if (status != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new IllegalStateException(prefix + " failed (exit " + status + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
        return got;
    }

    /** Waits until something accepts connections on 127.0.0.1:port. */
    static void awaitListening(int port, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(what + " does not listen on 127.0.0.1:" + port + " after 30 s", e);
                }
                Thread.sleep(50);
            }
        }
    }

    static void progress(String text) {
        System.err.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + text);
    }
}
