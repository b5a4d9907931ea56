package org.postrelay.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.postrelay.config.ConfigException;
import org.postrelay.master.ControlSocket;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.Spool;

/**
 * postqueue(1): lists the queue ({@code -p}, Postfix's mailq layout; {@code -j}, JSON lines) by
 * reading the spool, and asks the running engine to deliver deferred mail now ({@code -f}, or one
 * message with {@code -i ID}). Also run as {@code mailq} and {@code sendmail -bp}.
 */
public final class Postqueue {

    /** Postfix's exit status when the mail system is down (EX_UNAVAILABLE). */
    static final int UNAVAILABLE = 69;
    private static final String USAGE = "usage: postqueue -f | postqueue -i queueid | postqueue -j | postqueue -p"
            + " (each with optional -c config_dir)";

    private Postqueue() {
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run("postqueue", args, env, out, err);
    }

    /** @param name the name diagnostics start with: postqueue, mailq or sendmail */
    static int run(String name, List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            Getopt options = new Getopt("c:fi:jpv", args);
            Path queue = ConfigDirectory.queueDirectory(ConfigDirectory.of(options.value('c'), env).load());
            if (options.has('p') || options.has('j')) {
                List<Showq.Entry> entries;
                try (Spool spool = Spool.open(queue)) {
                    entries = Showq.list(spool);
                }
                if (options.has('j')) {
                    Showq.printJson(entries, out);
                } else {
                    Showq.printCompat(entries, ZoneId.systemDefault(), out);
                }
                return 0;
            }
            if (options.has('f')) {
                return ask(name, queue, "flush", "Cannot flush mail queue", err);
            }
            if (options.has('i')) {
                QueueId id = QueueId.parse(options.value('i'));
                return ask(name, queue, "super REQUEUE deferred " + id, "Cannot flush mail queue", err);
            }
            err.println(name + ": fatal: " + USAGE);
            return 1;
        } catch (Getopt.UsageException e) {
            err.println(name + ": fatal: " + e.getMessage() + "; " + USAGE);
            return 1;
        } catch (Commands.Fatal | ConfigException | IllegalArgumentException e) {
            err.println(name + ": fatal: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println(name + ": fatal: " + Commands.describe(e));
            return 1;
        }
    }

    /** Sends one request to the running engine; Postfix's "mail system is down" when none answers. */
    private static int ask(String name, Path queue, String request, String failure, PrintStream err) {
        String reply;
        try {
            reply = ControlSocket.request(queue, request);
        } catch (IOException e) {
            err.println(name + ": fatal: " + failure + " - mail system is down");
            return UNAVAILABLE;
        }
        if (!reply.startsWith("ok")) {
            err.println(name + ": fatal: " + failure + ": " + reply.replaceFirst("^error ", ""));
            return 1;
        }
        return 0;
    }
}
