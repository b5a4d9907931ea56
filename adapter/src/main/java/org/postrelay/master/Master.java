package org.postrelay.master;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.postrelay.api.RelayAdmin;
import org.postrelay.api.RelayConnectionFactory;
import org.postrelay.bounce.Bounce;
import org.postrelay.cleanup.Cleanup;
import org.postrelay.cleanup.Submission;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;
import org.postrelay.local.LocalTransport;
import org.postrelay.pickup.Pickup;
import org.postrelay.qmgr.QueueManager;
import org.postrelay.queue.RecoveryReport;
import org.postrelay.queue.Spool;
import org.postrelay.smtp.DnsResolver;
import org.postrelay.smtp.SmtpClient;
import org.postrelay.smtp.SmtpLog;

/**
 * Postfix's master: starts, wires and stops the engine — spool recovery, cleanup, qmgr, smtp,
 * bounce — and hands out the {@link RelayConnectionFactory}. The same engine runs embedded, in the
 * standalone daemon and inside the resource adapter; only the {@link Workers} differ.
 *
 * <pre>{@code
 * try (Master master = Master.start(Map.of("relayhost", "[127.0.0.1]:2525",
 *                                          "queue_directory", "/var/spool/postrelay"))) {
 *     try (RelayConnection connection = master.connectionFactory().getConnection()) {
 *         connection.send(message);
 *     }
 * }
 * }</pre>
 */
public final class Master implements AutoCloseable {

    /** How long {@link #close()} lets deliveries in flight finish. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Config config;
    private final Maillog maillog;
    private final Spool spool;
    private final SmtpClient smtp;
    private final Submission submission;
    private final Transactions transactions;
    private final QueueManager queueManager;
    /**
     * Long-running tasks at most at once: qmgr's loop, pickup, the control socket, the maillog
     * writer, the journal's file writer and background task (6), and the journal's helpers (7)
     * when it materializes many files, plus one spare. A container's long-running pool needs as
     * many threads (deployment-descriptors/wildfly/postrelay.cli): a task that waits for a thread
     * would stall the engine.
     */
    public static final int LONG_RUNNING_TASKS = 14;

    private final ExecutorWorkers ownWorkers;
    private final RelayConnectionFactory connectionFactory;
    private final RelayAdmin admin;
    private final MasterLock lock;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Pickup pickup;
    private final ControlSocket control;                // null when it could not be bound
    private QueueManager late;                           // for cleanup's notices, set once wired

    private Master(Config config, Workers workers, ExecutorWorkers ownWorkers, Clock clock, DnsResolver dns)
            throws IOException {
        this.config = config;
        this.ownWorkers = ownWorkers;
        LocalTransport localTransport = LocalTransport.from(config, clock);
        this.maillog = Maillog.open(config, clock);
        maillog.startWriter(workers::executeLongRunning);     // logging never waits for the disk
        config.warnings().forEach(w -> maillog.warning("postconf", w));
        localTransport.warnings().forEach(w -> maillog.warning(localTransport.role(), w));
        Path queueDirectory = Path.of(config.get(Parameters.QUEUE_DIRECTORY));
        this.spool = Spool.open(queueDirectory);
        try {
            this.lock = MasterLock.acquire(spool.directory());   // before recovery touches a file
        } catch (IOException e) {
            spool.close();
            maillog.close();
            throw e;
        }
        try {
            RecoveryReport recovery = spool.recover();
            if (recovery.requeuedFromActive() + recovery.removedPartial() + recovery.movedToCorrupt()
                    + recovery.journalRestored() + recovery.journalRemoved() > 0) {
                maillog.log("master", "spool recovery: " + recovery.requeuedFromActive() + " requeued from active, "
                        + recovery.removedPartial() + " unacknowledged partial files removed, "
                        + recovery.movedToCorrupt() + " unreadable files moved to corrupt"
                        + (recovery.journalRestored() + recovery.journalRemoved() > 0 ? ", "
                        + recovery.journalRestored() + " restored from the journal, " + recovery.journalRemoved()
                        + " removed as the journal records" : ""));
            }
            // group commit of new messages; a journaled message's file is written after, then qmgr is told
            spool.startJournal(workers::executeLongRunning, id -> late.incoming(id));
            this.smtp = new SmtpClient(config, dns, SmtpLog.of(text -> maillog.log("smtp", text),
                    text -> maillog.warning("smtp", text)), clock);
            Cleanup cleanup = new Cleanup(config, spool, localTransport, maillog, id -> late.incoming(id), clock);
            Bounce bounce = new Bounce(config, cleanup, spool, maillog);
            this.queueManager = new QueueManager(config, spool, smtp, localTransport, bounce, maillog, workers, clock);
            this.late = queueManager;
            this.transactions = new Transactions(spool, id -> late.incoming(id), maillog);
            this.submission = new Submission(cleanup, transactions::prepared);
            this.admin = new EngineAdmin(spool, queueManager);
            this.connectionFactory = new EmbeddedConnectionFactory(submission, admin);
            queueManager.start();
            this.pickup = Pickup.start(spool.directory(), cleanup, maillog, workers::executeLongRunning);
            this.control = ControlSocket.open(spool.directory(), queueManager, maillog, workers::executeLongRunning);
        } catch (IOException | RuntimeException e) {
            // a half-built engine must not keep the spool locked: the next start would be refused
            releaseQuietly(lock);
            spool.close();
            maillog.close();
            throw e;
        }
        maillog.log("master", "daemon started -- version " + version() + ", queue_directory " + queueDirectory);
    }

    /** Starts an engine on the given configuration with a thread pool of its own. */
    public static Master start(Config config) throws IOException {
        return start(config, DnsResolver.system());
    }

    /**
     * Starts an engine with a thread pool of its own whose SMTP client looks names up through
     * {@code dns} (tests: a DNS responder on loopback) instead of the system's resolver.
     */
    public static Master start(Config config, DnsResolver dns) throws IOException {
        // + the long-running tasks (LONG_RUNNING_TASKS)
        int threads = (int) config.integer(Parameters.DEFAULT_PROCESS_LIMIT) + LONG_RUNNING_TASKS;
        ExecutorWorkers workers = new ExecutorWorkers(threads);
        try {
            return new Master(config, workers, workers, Clock.systemDefaultZone(), dns);
        } catch (IOException | RuntimeException e) {
            workers.close();
            throw e;
        }
    }

    /** Starts an engine whose work runs on the caller's {@link Workers} (a container's WorkManager). */
    public static Master start(Config config, Workers workers) throws IOException {
        return new Master(config, workers, null, Clock.systemDefaultZone(), DnsResolver.system());
    }

    /** Starts an engine from Postfix parameters ({@code relayhost}, {@code queue_directory}, ...). */
    public static Master start(Map<String, String> parameters) throws IOException {
        return start(Config.of(parameters));
    }

    /** Starts an engine from a configuration directory holding {@code main.cf}. */
    public static Master start(Path configDirectory) throws IOException {
        return start(Config.load(configDirectory, Map.of()));
    }

    public RelayConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** Queue listing and latest deliveries, as {@code connection.unwrap(RelayAdmin.class)} gives them. */
    public RelayAdmin admin() {
        return admin;
    }

    public Submission submission() {
        return submission;
    }

    /** The engine as a transactional resource, for the resource adapter's XAResource. */
    public Transactions transactions() {
        return transactions;
    }

    public Config config() {
        return config;
    }

    /** The mail log, for the standalone daemon's own services (smtpd, pickup). */
    public Maillog maillog() {
        return maillog;
    }

    public Spool spool() {
        return spool;
    }

    public QueueManager queueManager() {
        return queueManager;
    }

    /** {@code postqueue -f}: attempt all deferred mail now. */
    public void flush() {
        queueManager.flush();
    }

    /**
     * Stops: refuses new mail, lets deliveries in flight finish (up to 30 s), closes the spool. What
     * was not delivered stays queued for the next start.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;                                      // closed already: nothing left to stop
        }
        if (control != null) {
            control.close();
        }
        pickup.close();
        submission.close();
        queueManager.stop(STOP_TIMEOUT);
        smtp.close();
        spool.close();
        try {
            lock.close();
        } catch (IOException e) {
            maillog.warning("master", "cannot release " + lock.file() + ": " + e.getMessage());
        }
        maillog.log("master", "daemon stopped");
        maillog.close();
        if (ownWorkers != null) {
            ownWorkers.close();
        }
    }

    private static void releaseQuietly(MasterLock lock) {
        try {
            lock.close();
        } catch (IOException ignored) {
            // closing the channel drops the lock anyway
        }
    }

    static String version() {
        String v = Master.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
