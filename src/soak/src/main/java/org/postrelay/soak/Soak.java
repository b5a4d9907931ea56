package org.postrelay.soak;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The crash soak (issue 8): the standalone daemon under SMTP and sendmail load while (mode
 * {@code crash}) its JVM is SIGKILLed at random moments and restarted, (mode {@code relay}) the
 * relayhost dies and comes back, (mode {@code stall}) the relayhost stalls mid-DATA. At the end the
 * queue drains and every acknowledged message is looked for at the sink: 0 lost, duplicates at most
 * the deliveries in flight at each kill, no acknowledged queue file in corrupt/. Prints a table and
 * writes it to src/soak/results/DATE.md. Options: see src/soak/run.
 */
public final class Soak {

    private final Path home = Path.of(System.getProperty("soak.home", ".")).toAbsolutePath().normalize();
    private final int rounds = Integer.getInteger("soak.rounds", 200);
    private final int faultRounds = Integer.getInteger("soak.faultRounds", 20);
    private final List<String> modes = List.of(System.getProperty("soak.modes", "crash,relay,stall").split(","));
    private final int threads = Integer.getInteger("soak.threads", 8);
    private final int concurrency = Integer.getInteger("soak.concurrency", 10);
    private final int rate = Integer.getInteger("soak.rate", 150);
    private final long seed = Long.getLong("soak.seed", System.nanoTime());
    private final boolean keep = Boolean.getBoolean("soak.keep");
    private final Path results = Path.of(System.getProperty("soak.results", home.resolve("src/soak/results").toString()));
    private final Duration drainTimeout = Duration.ofSeconds(Long.getLong("soak.drainSeconds", 300));
    private final Random random = new Random(seed);
    /** A time budget for each mode's rounds (0: none): fewer rounds run when it is spent, and the table says how many. */
    private final Duration roundsBudget = Duration.ofMinutes(Long.getLong("soak.minutes", 0));
    private Path dist;

    /** One mode's figures. */
    record Row(String mode, int rounds, int kills, int acknowledged, int viaSendmail, int delivered, int lost,
               int duplicates, int duplicateBound, int unacknowledgedDelivered, int corruptAcknowledged,
               int corruptFiles, String phases, double seconds, List<String> lostIds) {
        boolean passed() {
            return lost == 0 && corruptAcknowledged == 0 && duplicates <= duplicateBound;
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(new Soak().run() ? 0 : 1);
    }

    private boolean run() throws Exception {
        System.out.printf("soak: modes %s, %d crash rounds, %d relay/stall rounds, %d SMTP clients (%d msg/s) + sendmail, "
                + "smtp_destination_concurrency_limit %d, seed %d%n", modes, rounds, faultRounds, threads, rate, concurrency,
                seed);
        List<Row> rows = new ArrayList<>();
        String given = System.getProperty("soak.dist");      // a copy made before (a rebuild is under way)
        Path distBase = given != null ? null : Files.createTempDirectory("postrelay-soak-dist-");
        dist = given != null ? Path.of(given) : Daemon.copyDistribution(home, distBase);  // once: a rebuild meanwhile changes nothing
        for (String mode : modes) {
            Path base = Files.createTempDirectory("postrelay-soak-" + mode + "-");
            try {
                Row row = runMode(mode.trim(), base);
                rows.add(row);
                System.out.println(line(row));
            } catch (Exception e) {
                System.out.println("soak: " + mode + " stopped by " + e + "; the temp directory " + base + " is kept");
                throw e;
            }
            if (keep) {
                System.out.println("soak: kept " + base);
            } else {
                deleteTree(base);
            }
        }
        if (distBase != null) {
            deleteTree(distBase);
        }
        String table = table(rows);
        System.out.println();
        System.out.print(table);
        Files.createDirectories(results);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        Path file = results.resolve(stamp + ".md");
        Files.writeString(file, report(rows, table));
        System.out.println("soak: results in " + file);
        return rows.stream().allMatch(Row::passed);
    }

    private Row runMode(String mode, Path base) throws Exception {
        long started = System.nanoTime();
        int relayPort = freePort();
        int smtpdPort = freePort();
        int kills = 0;
        int roundsRun = 0;
        int accepting = 0;
        int delivering = 0;
        int justDelivered = 0;
        int quiet = 0;
        try (Sink sink = Sink.start(relayPort)) {
            Daemon daemon = Daemon.create(dist, base, smtpdPort, relayPort, concurrency);
            daemon.start();
            Load load = new Load(daemon, mode, threads, rate, true);
            try {
                int n = mode.equals("crash") ? rounds : faultRounds;
                long budgetEnd = System.nanoTime() + roundsBudget.toNanos();
                for (int round = 1; round <= n; round++) {
                    if (!roundsBudget.isZero() && System.nanoTime() - budgetEnd > 0) {
                        System.out.printf("soak: %s: the time budget soak.minutes=%d is spent after %d of %d rounds%n",
                                mode, roundsBudget.toMinutes(), round - 1, n);
                        break;
                    }
                    switch (mode) {
                        case "crash" -> {
                            if (round > 1) {
                                daemon.start();
                            }
                            sleep(300 + random.nextInt(2700));
                            boolean a = load.inData() > 0;
                            boolean d = sink.inData() > 0;
                            boolean j = System.nanoTime() - sink.lastAcceptNanos() < 20_000_000L;
                            daemon.kill();
                            kills++;
                            accepting += a ? 1 : 0;
                            delivering += d ? 1 : 0;
                            justDelivered += j ? 1 : 0;
                            quiet += !a && !d && !j ? 1 : 0;
                        }
                        case "relay" -> {
                            sleep(300 + random.nextInt(1200));
                            delivering += sink.inData() > 0 ? 1 : 0;
                            sink.kill();
                            kills++;
                            sleep(200 + random.nextInt(1300));
                            sink.listen();
                        }
                        case "stall" -> {
                            sleep(300 + random.nextInt(1200));
                            sink.stalling(true);
                            sleep(500 + random.nextInt(2500));
                            sink.stalling(false);
                        }
                        default -> throw new IllegalArgumentException("soak.modes: unknown mode " + mode
                                + " (expected crash, relay, stall)");
                    }
                    roundsRun = round;
                    if (round % 10 == 0 || round == n) {
                        System.out.printf("soak: %s round %d/%d: acknowledged %d, received %d%n", mode, round, n,
                                load.acknowledged().size(), sink.received());
                    }
                }
            } catch (Exception e) {
                load.close();
                daemon.killQuietly();                    // ours: never left running
                throw e;
            }
            load.close();
            if (mode.equals("crash")) {
                daemon.start();                          // the last round killed it
            }
            Map<String, String> acknowledged = load.acknowledged();
            long deadline = System.nanoTime() + drainTimeout.toNanos();
            while (!(sink.counts().keySet().containsAll(acknowledged.keySet()) && daemon.queued() == 0)
                    && System.nanoTime() < deadline) {
                sleep(200);
            }
            daemon.stop();
            Map<String, Integer> counts = sink.counts();
            List<String> lost = acknowledged.keySet().stream().filter(id -> !counts.containsKey(id)).sorted().toList();
            int duplicates = counts.values().stream().mapToInt(c -> c - 1).sum();
            int unacknowledged = (int) counts.keySet().stream().filter(id -> !acknowledged.containsKey(id)).count();
            Set<String> corrupt = daemon.files("corrupt");
            Set<String> corruptAcknowledged = new TreeSet<>(corrupt);
            corruptAcknowledged.retainAll(new HashSet<>(acknowledged.values()));
            int viaSendmail = (int) acknowledged.values().stream().filter("sendmail"::equals).count();
            int bound = mode.equals("stall") ? 0 : kills * concurrency;
            String phases = switch (mode) {
                case "crash" -> String.format("smtpd DATA in flight %d, relay DATA in flight %d, "
                        + "within 20 ms after a relay's 250 %d, none of these %d", accepting, delivering, justDelivered, quiet);
                case "relay" -> String.format("relay DATA in flight at %d of %d kills", delivering, kills);
                default -> String.format("%d DATA stalled and never answered", sink.stalled());
            };
            if (!lost.isEmpty()) {
                System.out.println("soak: " + mode + ": lost " + lost.size() + ", e.g. " + lost.stream().limit(20).toList()
                        + "; still queued " + daemon.queued() + "\n" + daemon.masterOut());
            }
            return new Row(mode, roundsRun, kills, acknowledged.size(), viaSendmail,
                    (int) acknowledged.keySet().stream().filter(counts::containsKey).count(), lost.size(),
                    duplicates, bound, unacknowledged, corruptAcknowledged.size(), corrupt.size(), phases,
                    (System.nanoTime() - started) / 1e9, lost.stream().limit(20).toList());
        }
    }

    private static String line(Row r) {
        return String.format("soak: %s: %s in %.0f s (%s)", r.mode(), r.passed() ? "PASS" : "FAIL", r.seconds(), r.phases());
    }

    private static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder();
        t.append("| mode | rounds | kills | acknowledged (sendmail) | delivered | lost | duplicates (bound) | "
                + "delivered, not acknowledged | corrupt (acknowledged) | result |\n");
        t.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Row r : rows) {
            t.append(String.format("| %s | %d | %d | %d (%d) | %d | %d | %d (%d) | %d | %d (%d) | %s |%n", r.mode(),
                    r.rounds(), r.kills(), r.acknowledged(), r.viaSendmail(), r.delivered(), r.lost(), r.duplicates(),
                    r.duplicateBound(), r.unacknowledgedDelivered(), r.corruptFiles(), r.corruptAcknowledged(),
                    r.passed() ? "PASS" : "FAIL"));
        }
        return t.toString();
    }

    private String report(List<Row> rows, String table) {
        StringBuilder r = new StringBuilder("# Crash soak, ").append(LocalDateTime.now().withNano(0)).append("\n\n");
        r.append("`src/soak/run` with modes ").append(modes).append(", ").append(rounds).append(" crash rounds, ")
                .append(faultRounds).append(" relay/stall rounds, ").append(threads)
                .append(" SMTP clients (").append(rate).append(" msg/s) and one sendmail loop (up to 10/s), smtp_destination_concurrency_limit ").append(concurrency)
                .append(", seed ").append(seed).append(" (`-Dsoak.seed=").append(seed).append("` repeats the timing choices), ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs.\n\n");
        r.append(table).append('\n');
        r.append("- *crash*: the daemon's JVM SIGKILLed 0.3–3 s after each start (`postrelay start` returned: it accepts mail), then started again; the load "
                + "never stops. *relay*: the relayhost's listener closed and every connection reset, back after "
                + "0.2–1.5 s. *stall*: for 0.5–3 s windows the relayhost reads a few bytes of each DATA and never "
                + "answers (smtp_data_*_timeout = 2s).\n");
        r.append("- duplicates bound: kills × smtp_destination_concurrency_limit (the deliveries that can be in "
                + "flight at a kill); 0 for stall, where an unanswered message was never received.\n");
        r.append("- delivered, not acknowledged: a submission in flight at a kill was queued, but its 250 never "
                + "reached the client (a real client sends it again: a duplicate on its side, never a loss).\n");
        r.append("- where the kills fell:\n");
        for (Row row : rows) {
            r.append("  - ").append(row.mode()).append(": ").append(row.phases())
                    .append(String.format("; %.0f s", row.seconds()));
            if (!row.lostIds().isEmpty()) {
                r.append("; lost e.g. ").append(row.lostIds());
            }
            r.append('\n');
        }
        return r.toString();
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
