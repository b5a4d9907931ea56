package org.postrelay.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The daemon under test, as an admin runs it: {@code src/bin/postrelay -c DIR start}, smtpd on a
 * loopback port, relaying to the {@link Sink}. It runs from a private copy of {@code src/bin} and the
 * standalone build, so a rebuild of the worktree during a long soak cannot change it mid-run.
 */
final class Daemon {

    private final Path bin;
    private final Path config;
    private final Path spool;
    private final int smtpdPort;

    private Daemon(Path bin, Path config, Path spool, int smtpdPort) {
        this.bin = bin;
        this.config = config;
        this.spool = spool;
        this.smtpdPort = smtpdPort;
    }

    /** Copies src/bin and the standalone build (jar and lib/) under {@code dist}; returns it. */
    static Path copyDistribution(Path home, Path dist) throws IOException {
        copyTree(home.resolve("src/bin"), dist.resolve("src/bin"));
        Path target = home.resolve("standalone/target");
        Path distTarget = dist.resolve("standalone/target");
        try (Stream<Path> jars = Files.list(target)) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().matches("postrelay-standalone-.*\\.jar")).toList()) {
                Files.createDirectories(distTarget);
                Files.copy(jar, distTarget.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        copyTree(target.resolve("lib"), distTarget.resolve("lib"));
        return dist;
    }

    /** A daemon running from {@code dist}, with main.cf and master.cf under base/etc and its spool in base/spool. */
    static Daemon create(Path dist, Path base, int smtpdPort, int relayPort, int concurrency) throws IOException {
        Path config = base.resolve("etc");
        Path spool = base.resolve("spool");
        Files.createDirectories(config);
        Files.writeString(config.resolve("main.cf"), String.join("\n",
                "# the crash soak's daemon: a null client relaying to the soak's sink",
                "queue_directory = " + spool,
                "myhostname = soak.example.com",
                "myorigin = example.com",
                "relayhost = [127.0.0.1]:" + relayPort,
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "maillog_file = " + base.resolve("maillog"),
                "smtp_destination_concurrency_limit = " + concurrency,
                // retries come quickly, so a round's deferred mail is tried again within the run
                "minimal_backoff_time = 1s",
                "maximal_backoff_time = 2s",
                "queue_run_delay = 1s",
                // a stalled relay costs seconds, not Postfix's 10 minutes
                "smtp_connect_timeout = 2s",
                "smtp_helo_timeout = 2s",
                "smtp_data_init_timeout = 2s",
                "smtp_data_xfer_timeout = 2s",
                "smtp_data_done_timeout = 2s",
                ""));
        Files.writeString(config.resolve("master.cf"), "127.0.0.1:" + smtpdPort + " inet n - n - - smtpd\n");
        return new Daemon(dist.resolve("src/bin"), config, spool, smtpdPort);
    }

    int smtpdPort() {
        return smtpdPort;
    }

    Path config() {
        return config;
    }

    Path bin() {
        return bin;
    }

    void start() throws IOException, InterruptedException {
        run("start");
    }

    void stop() throws IOException, InterruptedException {
        run("stop");
    }

    /** SIGKILL of the daemon's JVM: no shutdown hook, no close(), whatever it was doing. */
    void kill() throws Exception {
        long pid = Long.parseLong(Files.readString(spool.resolve("pid/master.pid")).trim());
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            throw new IOException("the daemon (pid " + pid + ") is not running: it died by itself; see "
                    + spool.resolve("pid/master.out"));
        }
        process.get().destroyForcibly();
        process.get().onExit().get(10, TimeUnit.SECONDS);
    }

    /** After a failure of the harness: the daemon (if it runs) is killed. */
    void killQuietly() {
        try {
            kill();
        } catch (Exception ignored) {
            // not running
        }
    }

    /** Files waiting in the queues (maildrop included): 0 once everything is delivered. */
    long queued() {
        long n = 0;
        for (String queue : List.of("maildrop", "incoming", "active", "deferred", "hold")) {
            n += files(queue).size();
        }
        return n;
    }

    /**
     * Names of the files in one queue directory (recursively). No stat of each entry: the daemon
     * moves files while we look, so a name may be gone by the time it is read.
     */
    Set<String> files(String queue) {
        Set<String> names = new TreeSet<>();
        collect(spool.resolve(queue).toFile(), names);
        return names;
    }

    private static void collect(java.io.File directory, Set<String> names) {
        String[] entries = directory.list();
        if (entries == null) {
            return;                                   // not there (yet), or vanished
        }
        for (String name : entries) {
            java.io.File entry = new java.io.File(directory, name);
            if (name.length() <= 2 && entry.isDirectory()) {
                collect(entry, names);                // a hashed subdirectory
            } else {
                names.add(name);
            }
        }
    }

    String masterOut() {
        try {
            return Files.readString(spool.resolve("pid/master.out"));
        } catch (IOException e) {
            return "";
        }
    }

    private void run(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(bin.resolve("postrelay").toString(), "-c", config.toString(), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("postrelay -c " + config + " " + command + " failed: " + out + masterOut());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
