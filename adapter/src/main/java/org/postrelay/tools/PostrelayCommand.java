package org.postrelay.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.LookupTables;
import org.postrelay.config.Parameters;
import org.postrelay.master.ControlSocket;
import org.postrelay.master.Daemon;
import org.postrelay.master.MasterLock;

/**
 * postfix(1) for Postrelay: {@code postrelay [-c DIR] start | stop | status | flush | check}. start
 * runs the {@link Daemon} in the background and returns once it accepts work; stop sends it SIGTERM
 * and waits until it has finished; status exits 0 only while it runs.
 */
public final class PostrelayCommand {

    private static final String SCRIPT = "postrelay/postrelay-script";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** The engine lets deliveries finish for 30 s; leave room for that. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
    private static final String USAGE = "usage: postrelay [-c config_dir] start | stop | status | flush | check";

    private final PrintStream out;
    private final PrintStream err;

    private PostrelayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            Getopt options = new Getopt("c:Dv", args);
            if (options.operands().size() != 1) {
                throw new Commands.Fatal(USAGE);
            }
            ConfigDirectory directory = ConfigDirectory.of(options.value('c'), env);
            PostrelayCommand command = new PostrelayCommand(out, err);
            return switch (options.operands().get(0)) {
                case "start" -> command.start(directory, env);
                case "stop" -> command.stop(directory);
                case "status" -> command.status(directory);
                case "flush" -> Postqueue.run("postrelay", List.of("-c", directory.path().toString(), "-f"), env, out, err);
                case "check" -> command.check(directory);
                default -> throw new Commands.Fatal("unknown command: '" + options.operands().get(0) + "'; " + USAGE);
            };
        } catch (Getopt.UsageException e) {
            err.println("postrelay: fatal: " + e.getMessage() + "; " + USAGE);
            return 1;
        } catch (Commands.Fatal | ConfigException e) {
            err.println("postrelay: fatal: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("postrelay: fatal: " + Commands.describe(e));
            return 1;
        }
    }

    private int check(ConfigDirectory directory) throws IOException, Commands.Fatal {
        Config config = directory.load();
        config.warnings().forEach(w -> err.println(SCRIPT + ": warning: " + w));
        // what a start would open: every lookup table, the spool directory
        LookupTables.openAll(config.list(Parameters.SMTP_SASL_PASSWORD_MAPS));
        Path queue = Path.of(config.get(Parameters.QUEUE_DIRECTORY));
        Path existing = queue;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new Commands.Fatal("queue_directory " + queue + " cannot be created or written");
        }
        return 0;
    }

    private int status(ConfigDirectory directory) throws IOException, Commands.Fatal {
        Path queue = queueDirectory(directory);
        if (MasterLock.isHeld(queue)) {
            out.println(SCRIPT + ": the Postrelay mail system is running: PID: " + pid(queue));
            return 0;
        }
        err.println(SCRIPT + ": the Postrelay mail system is not running");
        return 1;
    }

    private int start(ConfigDirectory directory, Map<String, String> env) throws IOException, Commands.Fatal {
        check(directory);
        Path queue = queueDirectory(directory);
        if (Files.isDirectory(queue) && MasterLock.isHeld(queue)) {
            throw new Commands.Fatal("the Postrelay mail system is already running (PID: " + pid(queue) + ")");
        }
        out.println(SCRIPT + ": starting the Postrelay mail system");
        org.postrelay.master.PrivateFiles.directories(MasterLock.pidFile(queue).getParent());
        Path log = MasterLock.pidFile(queue).resolveSibling("master.out");
        org.postrelay.master.PrivateFiles.touch(log);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        String options = env.getOrDefault("POSTRELAY_DAEMON_OPTS", "");
        for (String option : options.split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Daemon.class.getName(),
                directory.path().toAbsolutePath().toString()));
        Process daemon = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new Commands.Fatal("the Postrelay mail system did not start (exit status " + daemon.exitValue()
                        + "); see " + log + ":\n" + tail(log));
            }
            try {
                if (ControlSocket.request(queue, "ping").startsWith("ok")) {
                    return 0;                            // accepting work
                }
            } catch (IOException notYet) {
                // still starting
            }
            sleep(50);
        }
        daemon.destroy();
        throw new Commands.Fatal("the Postrelay mail system did not answer within " + START_TIMEOUT.toSeconds()
                + " s; stopped it; see " + log);
    }

    private int stop(ConfigDirectory directory) throws IOException, Commands.Fatal {
        Path queue = queueDirectory(directory);
        if (!MasterLock.isHeld(queue)) {
            throw new Commands.Fatal("the Postrelay mail system is not running");
        }
        OptionalLong pid = MasterLock.holder(queue);
        Optional<ProcessHandle> process = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()) : Optional.empty();
        if (process.isEmpty()) {
            throw new Commands.Fatal("the Postrelay mail system is running, but its pid file "
                    + MasterLock.pidFile(queue) + " names no live process");
        }
        out.println(SCRIPT + ": stopping the Postrelay mail system");
        process.get().destroy();                         // SIGTERM: finishes in-flight work, then exits
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (MasterLock.isHeld(queue) || process.get().isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new Commands.Fatal("the Postrelay mail system (PID: " + pid.getAsLong() + ") did not stop within "
                        + STOP_TIMEOUT.toSeconds() + " s");
            }
            sleep(50);
        }
        return 0;
    }

    private static Path queueDirectory(ConfigDirectory directory) throws IOException {
        return Path.of(directory.load().get(Parameters.QUEUE_DIRECTORY));
    }

    private static String pid(Path queue) {
        OptionalLong pid = MasterLock.holder(queue);
        return pid.isPresent() ? Long.toString(pid.getAsLong()) : "unknown";
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
