package org.postrelay.smtpd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postrelay.cleanup.Submission;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;
import org.postrelay.master.Maillog;
import org.postrelay.master.MasterCf;
import org.subethamail.smtp.server.SMTPServer;

/**
 * Postfix's smtpd for the standalone daemon: listens where master.cf's {@code inet ... smtpd} lines
 * and {@code inet_interfaces} say, speaks ESMTP with Postfix's replies, relays only for
 * {@code mynetworks}, and hands each message to cleanup through {@link Submission}, answering
 * {@code 250 2.0.0 Ok: queued as ID} only once it is durable.
 *
 * <pre>{@code
 * Smtpd smtpd = Smtpd.fromMasterCf(master.config(), master.submission(), master.maillog());
 * smtpd.start();      // bound and accepting on return; IOException names the address it could not bind
 * ...
 * smtpd.close();      // before master.close(): sessions end with 421, messages in transfer finish first
 * }</pre>
 *
 * <p>Stopping: {@link #close()} refuses new connections with {@code 421 4.3.2}, sends {@code 421}
 * to every idle session and closes it, lets a session in the middle of a command (a DATA transfer
 * and its queueing) finish that command and its reply, then closes it with {@code 421}; after
 * {@link #STOP_GRACE} whatever is left is cut off (a message not yet acknowledged is not queued,
 * or is queued but unacknowledged, which the client will send again).
 */
public final class Smtpd implements AutoCloseable {

    /** How long {@link #close()} waits for commands in progress (DATA transfers) to end. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** SubEthaSMTP logs a stack trace for every client that hangs up mid-command; kept to errors. */
    private static final Logger LIBRARY_LOG = Logger.getLogger("org.subethamail");

    static {
        LIBRARY_LOG.setLevel(Level.SEVERE);
    }

    private final List<SmtpdService> services;
    private final Submission submission;
    private final Maillog maillog;
    private final ClientNames names;
    private final List<SessionTracker> trackers = new ArrayList<>();
    private final List<SMTPServer> servers = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private boolean started;

    private Smtpd(List<SmtpdService> services, Submission submission, Maillog maillog, ClientNames names) {
        this.services = services;
        this.submission = submission;
        this.maillog = maillog;
        this.names = names;
    }

    /**
     * smtpd as master.cf in {@code config_directory} describes it: one service per {@code inet}
     * line whose command is {@code smtpd}, with its {@code -o} overrides and maxproc; port 25 on
     * {@code inet_interfaces} when master.cf is missing or has no such line.
     *
     * @throws IOException if master.cf exists but cannot be read
     * @throws org.postrelay.config.ConfigException on a malformed master.cf or a bad parameter
     */
    public static Smtpd fromMasterCf(Config config, Submission submission, Maillog maillog) throws IOException {
        MasterCf masterCf = MasterCf.read(Path.of(config.get(Parameters.CONFIG_DIRECTORY), "master.cf"));
        return new Smtpd(SmtpdService.fromMasterCf(config, masterCf), submission, maillog,
                ClientNames.fromHostsFile(ClientNames.HOSTS));
    }

    /** One smtpd service on {@code port} (0 picks a free port) on {@code inet_interfaces}, ignoring master.cf. */
    public static Smtpd onPort(Config config, int port, Submission submission, Maillog maillog) {
        return new Smtpd(List.of(SmtpdService.onPort(config, port)), submission, maillog,
                ClientNames.fromHostsFile(ClientNames.HOSTS));
    }

    /**
     * Binds every listener; on return each accepts connections. If one cannot bind, those already
     * bound are closed again and the exception names the address.
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("smtpd was started already; make a new one");
        }
        started = true;
        try {
            for (SmtpdService service : services) {
                SessionTracker tracker = new SessionTracker(service, maillog, names);
                trackers.add(tracker);
                SmtpdCommands commands = new SmtpdCommands(service, tracker, submission, maillog);
                Greeting greeting = Greeting.of(service.banner);
                greeting.warning().ifPresent(w -> maillog.warning("smtpd", w));
                service.warnings.forEach(w -> maillog.warning("smtpd", w));
                for (ListenAddresses.Bind bind : service.binds) {
                    listen(service, bind, tracker, commands, greeting);
                }
            }
        } catch (IOException | RuntimeException e) {
            stopServers();
            throw e;
        }
    }

    /** The addresses and ports listened on (port 0 resolved to the port taken), in start order. */
    public synchronized List<InetSocketAddress> localAddresses() {
        return List.copyOf(bound);
    }

    /** Stops as the class comment says; idempotent. */
    @Override
    public void close() {
        List<SessionTracker> current;
        synchronized (this) {
            current = List.copyOf(trackers);
        }
        current.forEach(SessionTracker::shutdown);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (SessionTracker tracker : current) {
            tracker.awaitNoSessions(deadline);
        }
        synchronized (this) {
            stopServers();
        }
    }

    private void listen(SmtpdService service, ListenAddresses.Bind bind, SessionTracker tracker,
                        SmtpdCommands commands, Greeting greeting) throws IOException {
        String where = bind.describe(service.port);
        SMTPServer server = SMTPServer.port(service.port)
                .bindAddress(Optional.ofNullable(bind.address()))
                .hostName(greeting.host())
                .softwareName(greeting.software())
                .maxConnections(service.processLimit > 0 ? service.processLimit + 10 : Integer.MAX_VALUE - 10)
                .connectionTimeoutMs((int) service.timeout.toMillis())
                .sessionHandler(tracker)
                .executorService(sessionThreads(service.port))
                .serverThreadName("smtpd " + where)
                .build();
        commands.verbs().forEach(server.getCommandHandler()::addCommand);
        try {
            server.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof IOException ? e.getCause() : e;
            server.getExecutorService().shutdown();
            if (bind.optional()) {
                maillog.warning("smtpd", "cannot listen on " + where + ": " + cause.getMessage()
                        + " (IPv6 disabled on this host?); continuing without it");
                return;
            }
            throw new IOException("smtpd: cannot listen on " + where + ": " + cause.getMessage()
                    + (service.port < 1024 ? " (ports below 1024 need root: set another port in master.cf,"
                    + " e.g. \"2525 inet n - n - - smtpd\")" : "")
                    + " (inet_interfaces = " + service.config.get(Parameters.INET_INTERFACES) + ")", cause);
        }
        servers.add(server);
        bound.add(new InetSocketAddress(bind.address() == null ? null : bind.address(), server.getPortAllocated()));
    }

    private void stopServers() {
        for (SMTPServer server : servers) {
            server.stop();
        }
        servers.clear();
    }

    private static ExecutorService sessionThreads(int port) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "smtpd-" + port + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return Executors.newCachedThreadPool(factory);
    }
}
