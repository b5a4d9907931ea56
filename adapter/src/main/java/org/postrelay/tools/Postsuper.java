package org.postrelay.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.postrelay.config.ConfigException;
import org.postrelay.master.ControlSocket;
import org.postrelay.master.MasterLock;
import org.postrelay.queue.QueueAction;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.RecoveryReport;
import org.postrelay.queue.Spool;

/**
 * postsuper(8): deletes ({@code -d}), holds ({@code -h}), releases ({@code -H}) and requeues
 * ({@code -r}) queued mail by id, {@code ALL}, or ids read from stdin ({@code -}), optionally only
 * in the named queues; {@code -s} checks and repairs the spool. With the engine running, every
 * change goes through it (public/qmgr) so that none races a delivery; with it stopped, postsuper
 * takes the spool's master lock and changes the files itself.
 */
public final class Postsuper {

    private static final String USAGE = "usage: postsuper [-c config_dir] [-d queue_id] [-h queue_id]"
            + " [-H queue_id] [-r queue_id] [-s] [queue ...]";

    private final PrintStream err;
    private final InputStream stdin;

    private Postsuper(InputStream stdin, PrintStream err) {
        this.stdin = stdin;
        this.err = err;
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        System.exit(run(List.of(args), System.getenv(), System.in, System.err));
    }

    public static int run(List<String> args, Map<String, String> env, InputStream stdin, PrintStream err) {
        try {
            return new Postsuper(stdin, err).execute(new Getopt("c:d:h:H:r:sv", args), env);
        } catch (Getopt.UsageException e) {
            err.println("postsuper: fatal: " + e.getMessage() + "; " + USAGE);
            return 1;
        } catch (Commands.Fatal | ConfigException | IllegalArgumentException e) {
            err.println("postsuper: fatal: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("postsuper: fatal: " + Commands.describe(e));
            return 1;
        }
    }

    /** One of the actions asked for: which messages, where. */
    private record Request(QueueAction action, Set<QueueId> ids /* null = ALL */, Set<QueueName> queues) {
    }

    private int execute(Getopt options, Map<String, String> env) throws IOException, Commands.Fatal {
        Path queue = ConfigDirectory.queueDirectory(ConfigDirectory.of(options.value('c'), env).load());
        Set<QueueName> named = queueNames(options.operands());
        List<Request> requests = new ArrayList<>();
        // Postfix's order: delete, then hold, release, requeue
        addRequests(requests, QueueAction.DELETE, options.values('d'), named);
        addRequests(requests, QueueAction.HOLD, options.values('h'), named);
        addRequests(requests, QueueAction.RELEASE, options.values('H'), named);
        addRequests(requests, QueueAction.REQUEUE, options.values('r'), named);
        if (requests.isEmpty() && !options.has('s')) {
            throw new Commands.Fatal(USAGE);
        }
        boolean running;
        try {
            ControlSocket.request(queue, "ping");
            running = true;
        } catch (IOException e) {
            running = false;
        }
        if (running) {
            if (options.has('s')) {
                throw new Commands.Fatal("the mail system is running: the spool is checked at each start;"
                        + " stop it to run postsuper -s");
            }
            for (Request r : requests) {
                String reply = ControlSocket.request(queue, "super " + r.action() + " " + r.queues().stream()
                        .map(QueueName::directoryName).collect(Collectors.joining(",")) + " " + ids(r));
                if (!reply.startsWith("ok ")) {
                    throw new Commands.Fatal(reply.replaceFirst("^error ", ""));
                }
                err.println("postsuper: " + r.action().summary(Integer.parseInt(reply.substring(3).strip())));
            }
            return 0;
        }
        try (MasterLock lock = MasterLock.acquire(queue); Spool spool = Spool.open(queue)) {
            spool.replayJournal();               // a crashed engine's journal first: no removed mail comes back
            if (options.has('s')) {
                RecoveryReport report = spool.recover();
                err.println("postsuper: spool checked: " + report.requeuedFromActive() + " requeued from active, "
                        + report.removedPartial() + " unacknowledged partial files removed, "
                        + report.movedToCorrupt() + " unreadable files moved to corrupt");
            }
            for (Request r : requests) {
                err.println("postsuper: " + r.action().summary(applyStopped(spool, r)));
            }
        } catch (MasterLock.AlreadyRunningException e) {
            throw new Commands.Fatal(e.getMessage() + ", but does not answer on " + ControlSocket.path(queue));
        }
        return 0;
    }

    /** The engine is stopped and its lock is ours: change the files directly. */
    private int applyStopped(Spool spool, Request r) throws IOException {
        int count = 0;
        Instant now = Instant.now();
        for (QueueName q : r.queues()) {
            List<QueueId> found = new ArrayList<>();
            spool.forEach(q, id -> {
                if (r.ids() == null || r.ids().contains(id)) {
                    found.add(id);
                }
            });
            for (QueueId id : found) {
                if (r.action().applyTo(spool, q, id, now)) {
                    err.println("postsuper: " + id + ": " + r.action().logged());
                    count++;
                }
            }
        }
        return count;
    }

    private void addRequests(List<Request> requests, QueueAction action, List<String> values, Set<QueueName> named)
            throws IOException, Commands.Fatal {
        if (values.isEmpty()) {
            return;
        }
        Set<QueueName> queues = EnumSet.copyOf(action.queues());
        if (!named.isEmpty()) {
            queues.retainAll(named);
        }
        Set<QueueId> ids = new LinkedHashSet<>();
        for (String value : values) {
            if (value.equals("ALL")) {
                if (!queues.isEmpty()) {
                    requests.add(new Request(action, null, queues));
                }
                return;
            }
            if (value.equals("-")) {
                BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) {
                        ids.add(queueId(line.strip()));
                    }
                }
            } else {
                ids.add(queueId(value));
            }
        }
        if (!ids.isEmpty() && !queues.isEmpty()) {
            requests.add(new Request(action, ids, queues));
        }
    }

    private static QueueId queueId(String text) throws Commands.Fatal {
        if (!QueueId.isValid(text)) {
            throw new Commands.Fatal("invalid queue id: " + text);
        }
        return QueueId.parse(text);
    }

    private static Set<QueueName> queueNames(List<String> operands) throws Commands.Fatal {
        Set<QueueName> names = EnumSet.noneOf(QueueName.class);
        for (String operand : operands) {
            try {
                QueueName q = QueueName.valueOf(operand.toUpperCase(Locale.ROOT));
                if (!q.directoryName().equals(operand)) {
                    throw new IllegalArgumentException();
                }
                names.add(q);
            } catch (IllegalArgumentException e) {
                throw new Commands.Fatal("invalid directory name: " + operand);
            }
        }
        return names;
    }

    private static String ids(Request r) {
        return r.ids() == null ? "ALL" : r.ids().stream().map(QueueId::toString).collect(Collectors.joining(" "));
    }
}
