package org.postrelay.qmgr;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postrelay.api.RelayAdmin.Delivery;
import org.postrelay.bounce.Bounce;
import org.postrelay.bounce.FailedRecipient;
import org.postrelay.cleanup.AddressResolver;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;
import org.postrelay.local.LocalTransport;
import org.postrelay.master.Maillog;
import org.postrelay.master.Workers;
import org.postrelay.queue.CorruptQueueFileException;
import org.postrelay.queue.Envelope;
import org.postrelay.queue.QueueAction;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueListing;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Recipient;
import org.postrelay.queue.RecipientStatus;
import org.postrelay.queue.Spool;
import org.postrelay.smtp.DeliveryReport;
import org.postrelay.smtp.Outcome;
import org.postrelay.smtp.RecipientResult;
import org.postrelay.smtp.SmtpClient;

/**
 * Postfix's qmgr: moves messages from incoming/ (and, when due, deferred/) into the active queue up
 * to {@code qmgr_message_active_limit}, splits their recipients into delivery requests per nexthop,
 * runs them within each destination's concurrency window and {@code default_process_limit}, and
 * settles each message when its last request returns: done, deferred with back-off, or bounced.
 *
 * <p>All scheduling state lives on one thread (the loop); deliveries run on {@link Workers} and
 * report back through an event queue.
 */
public final class QueueManager {

    private static final String LOCAL = "local";
    /**
     * Queue files looked at per turn of the loop before it dispatches and reads its events again:
     * delivery starts with the first messages activated, and a long scan never holds up the loop.
     */
    private static final int FEED_BATCH = 100;

    private final Spool spool;
    private final SmtpClient smtp;
    private final LocalTransport localTransport;
    private final AddressResolver resolver;
    private final Bounce bounce;
    private final Maillog maillog;
    private final Workers workers;
    private final Clock clock;
    private final Backoff backoff;
    private final int activeLimit;
    private final int processLimit;
    private final int recipientLimit;
    private final int initialConcurrency;
    private final int concurrencyLimit;
    private final int failedCohortLimit;
    private final Duration queueRunDelay;
    /** How early a deferred message may be taken: Postfix's qmgr takes a file whose time stamp is up to 1 s ahead. */
    static final Duration FEED_SLACK = Duration.ofSeconds(1);

    private final DeliveryHistory history = new DeliveryHistory(200);
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<QueueId> hints;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile boolean rescanIncoming = true;      // hints overflowed: scan incoming/ again
    /** Messages left in active/ by a settle that failed (disk full, unwritable spool): requeued at the next queue run. */
    private final Set<QueueId> stranded = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final Object runningLock = new Object();
    private int running;                                 // worker tasks in flight, under runningLock

    // Loop-thread state.
    private final Map<QueueId, ActiveMessage> active = new HashMap<>();
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final QueueScan incomingScan;
    private final QueueScan deferredScan;
    private boolean deferredTurn;                        // scans take turns feeding the active queue
    private Instant nextDeferredScan;
    private boolean retrySoon;                           // the workers refused a task: dispatch again soon

    public QueueManager(Config config, Spool spool, SmtpClient smtp, LocalTransport localTransport, Bounce bounce,
                        Maillog maillog, Workers workers, Clock clock) {
        this.spool = spool;
        this.smtp = smtp;
        this.localTransport = localTransport;
        this.resolver = new AddressResolver(config);
        this.bounce = bounce;
        this.maillog = maillog;
        this.workers = workers;
        this.clock = clock;
        this.backoff = new Backoff(config.time(Parameters.MINIMAL_BACKOFF_TIME),
                config.time(Parameters.MAXIMAL_BACKOFF_TIME), config.time(Parameters.MAXIMAL_QUEUE_LIFETIME),
                config.time(Parameters.BOUNCE_QUEUE_LIFETIME));
        this.activeLimit = (int) config.integer(Parameters.QMGR_MESSAGE_ACTIVE_LIMIT);
        this.processLimit = (int) config.integer(Parameters.DEFAULT_PROCESS_LIMIT);
        this.recipientLimit = (int) config.integer(Parameters.SMTP_DESTINATION_RECIPIENT_LIMIT);
        this.initialConcurrency = (int) config.integer(Parameters.INITIAL_DESTINATION_CONCURRENCY);
        this.concurrencyLimit = (int) config.integer(Parameters.SMTP_DESTINATION_CONCURRENCY_LIMIT);
        this.failedCohortLimit = (int) config.integer(Parameters.SMTP_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT);
        this.queueRunDelay = config.time(Parameters.QUEUE_RUN_DELAY);
        this.hints = new ArrayBlockingQueue<>(Math.max(1, Math.min(activeLimit, 10_000)));
        this.incomingScan = new QueueScan(spool, QueueName.INCOMING);
        this.deferredScan = new QueueScan(spool, QueueName.DEFERRED);
    }

    /** Starts the loop on a worker; the first pass picks up what a previous run left in the queue. */
    public void start() {
        nextDeferredScan = clock.instant();              // the first turn scans deferred/ and incoming/
        workers.executeLongRunning(this::loop);
    }

    /** Cleanup's notice that a message is durable in incoming/. */
    public void incoming(QueueId id) {
        if (!hints.offer(id)) {
            rescanIncoming = true;                       // too many to remember: find them on disk
        }
        wake();
    }

    /**
     * {@code postqueue -f}: lift every destination's throttle and scan deferred/ ignoring the
     * next-attempt times (the pass under way too); its files enter the active queue as room allows.
     */
    public void flush() {
        post(() -> {
            destinations.values().forEach(d -> d.unthrottleIfDue(clock.instant(), true));
            requeueStranded();
            deferredScan.request(true);
            incomingScan.request(false);
        });
    }

    /**
     * postsuper on a running engine: applies the action to the messages (every message when
     * {@code ids} is null) in the given queues, on the loop thread so that it never races a
     * delivery. A message being delivered gets the action when its attempt settles (delete: removed
     * without bounce; hold: to hold/ instead of deferred/). Returns how many messages it applies to.
     */
    public int administer(QueueAction action, Set<QueueName> queues, Set<QueueId> ids) throws IOException {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        post(() -> {
            try {
                result.complete(administerOnLoop(action, queues, ids));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the queue manager");
        } catch (TimeoutException e) {
            throw new IOException("the queue manager did not answer within 60 s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().toString(), e.getCause());
        }
    }

    private int administerOnLoop(QueueAction action, Set<QueueName> queues, Set<QueueId> ids) throws IOException {
        int count = 0;
        Instant now = clock.instant();
        for (QueueName queue : queues) {
            // one pass applying as it reads (never a list of a million ids); the action moves or
            // deletes the file, so the pass does not meet it again in this directory
            try (QueueListing listing = spool.list(queue)) {
                for (QueueId id = listing.next(); id != null; id = listing.next()) {
                    if (ids != null && !ids.contains(id)) {
                        continue;
                    }
                    count += administerOne(action, queue, id, now);
                }
            }
        }
        if (action == QueueAction.RELEASE && count > 0) {
            nextDeferredScan = now;                      // released mail is due now
        }
        return count;
    }

    /** postsuper's action on one message of a queue; 1 if it applied. */
    private int administerOne(QueueAction action, QueueName queue, QueueId id, Instant now) throws IOException {
        if (queue == QueueName.ACTIVE) {
            ActiveMessage message = active.get(id);
            if (message != null && message.requestAdminAction(action)) {
                return 1;                                // carried out when its attempt settles
            }
            if (message != null && action.applyTo(spool, QueueName.DEFERRED, id, now)) {
                maillog.log("postsuper", id + ": " + action.logged());
                return 1;                                // it settled meanwhile, into deferred/
            }
            return 0;
        }
        if (!action.applyTo(spool, queue, id, now)) {
            return 0;
        }
        maillog.log("postsuper", id + ": " + action.logged());
        if (action == QueueAction.REQUEUE) {
            incoming(id);
        }
        return 1;
    }

    /** The latest delivery results, for status pages. */
    public DeliveryHistory history() {
        return history;
    }

    /** How many messages are in the active queue (for tests and tools). */
    public int activeCount() {
        CountDownLatch answered = new CountDownLatch(1);
        int[] count = new int[1];
        post(() -> {
            count[0] = active.size();
            answered.countDown();
        });
        try {
            answered.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return count[0];
    }

    /**
     * Stops scheduling and waits up to {@code timeout} for deliveries in flight to finish. Messages
     * still in active/ go back to the queue at the next start.
     */
    public void stop(Duration timeout) {
        stopping = true;
        post(() -> { });
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            loopDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (runningLock) {
                while (running > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        maillog.warning("qmgr", running + " deliveries still in flight at shutdown; "
                                + "their messages stay queued");
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(runningLock, left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void post(Runnable event) {
        events.add(event);
    }

    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            events.add(() -> wakePending.set(false));
        }
    }

    // ---- the loop (one thread) ----

    private void loop() {
        try {
            while (!stopping) {
                Instant now = clock.instant();
                if (!now.isBefore(nextDeferredScan)) {
                    requeueStranded();
                    deferredScan.request(false);
                    nextDeferredScan = now.plus(queueRunDelay);
                }
                for (Destination d : destinations.values()) {
                    d.unthrottleIfDue(now, false);
                }
                boolean more = feedActive();
                dispatch();
                Runnable event = more ? events.poll() : events.poll(millisUntilNextTimer(), TimeUnit.MILLISECONDS);
                while (event != null) {
                    event.run();
                    event = events.poll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            maillog.warning("qmgr", "queue manager stopped by an internal error: " + e);
            throw e;
        } finally {
            incomingScan.close();
            deferredScan.close();
            loopDone.countDown();
        }
    }

    private long millisUntilNextTimer() {
        if (retrySoon) {
            retrySoon = false;
            return 100;
        }
        Instant next = nextDeferredScan;
        for (Destination d : destinations.values()) {
            if (d.throttled() && d.throttledUntil().isBefore(next)) {
                next = d.throttledUntil();
            }
        }
        return Math.max(1, Duration.between(clock.instant(), next).toMillis() + 1);
    }

    /**
     * Messages whose settle failed go back to incoming/ and are tried again (a deferred recipient
     * early, a delivered one again if its mark was lost: duplicated, never lost); without this they
     * would wait in active/ for a restart.
     */
    private void requeueStranded() {
        for (Iterator<QueueId> i = stranded.iterator(); i.hasNext(); ) {
            QueueId id = i.next();
            try {
                spool.move(id, QueueName.ACTIVE, QueueName.INCOMING);
                i.remove();
                maillog.log("qmgr", id + ": requeued after a spool error");
                if (!hints.offer(id)) {
                    rescanIncoming = true;
                }
            } catch (NoSuchFileException gone) {
                i.remove();                              // removed after all (or by an admin)
            } catch (IOException e) {
                // still failing: the next queue run tries again
            }
        }
    }

    /**
     * Lets new messages into the active queue while it has room, as Postfix's qmgr does: cleanup's
     * hints first, then the incoming/ and deferred/ scans taking turns (a deferred file only when
     * due, or on a flush). At most {@link #FEED_BATCH} files per call; true when there is more to
     * do now (the loop then dispatches and comes back without waiting).
     */
    private boolean feedActive() {
        if (rescanIncoming) {
            rescanIncoming = false;
            incomingScan.request(false);
        }
        int budget = FEED_BATCH;
        while (active.size() < activeLimit) {
            if (budget-- == 0) {
                return true;
            }
            QueueId id = hints.poll();
            if (id != null) {
                activate(QueueName.INCOMING, id);
                continue;
            }
            deferredTurn = !deferredTurn;
            if (!(deferredTurn ? feedFromDeferred() || feedFromIncoming() : feedFromIncoming() || feedFromDeferred())) {
                return false;                            // both scans are done
            }
        }
        return false;
    }

    /** One file of the incoming/ scan; false when the scan has none. */
    private boolean feedFromIncoming() {
        QueueId id;
        try {
            id = incomingScan.next();
        } catch (IOException e) {
            maillog.warning("qmgr", "cannot scan the incoming queue: " + e.getMessage());
            return false;
        }
        if (id == null) {
            return false;
        }
        if (!active.containsKey(id) && !spool.isBeingWritten(id)) {
            activate(QueueName.INCOMING, id);
        }
        return true;
    }

    /** One file of the deferred/ scan, activated if due (or flushed); false when the scan has none. */
    private boolean feedFromDeferred() {
        QueueId id;
        try {
            id = deferredScan.next();
        } catch (IOException e) {
            maillog.warning("qmgr", "cannot scan the deferred queue: " + e.getMessage());
            return false;
        }
        if (id == null) {
            return false;
        }
        try {
            if (deferredScan.all() || !spool.nextAttempt(QueueName.DEFERRED, id).isAfter(clock.instant().plus(FEED_SLACK))) {
                activate(QueueName.DEFERRED, id);
            }
        } catch (NoSuchFileException gone) {
            // removed or released by an admin meanwhile
        } catch (IOException e) {
            maillog.warning("qmgr", id + ": cannot read the next attempt time: " + e.getMessage());
        }
        return true;
    }

    /** Moves one message into the active queue and turns its recipients into delivery requests. */
    private void activate(QueueName from, QueueId id) {
        if (active.containsKey(id) || spool.isBeingWritten(id)) {
            return;                                      // a file being written is announced again when it is done
        }
        Envelope envelope;
        try {
            spool.move(id, from, QueueName.ACTIVE);
            envelope = spool.read(QueueName.ACTIVE, id);
        } catch (NoSuchFileException gone) {
            return;                                      // already taken, or removed by an admin
        } catch (CorruptQueueFileException e) {
            maillog.warning("qmgr", id + ": unreadable queue file, moved to corrupt/: " + e.getMessage());
            spool.moveToCorrupt(QueueName.ACTIVE, id);
            return;
        } catch (IOException e) {
            maillog.warning("qmgr", id + ": cannot activate: " + e.getMessage());
            return;
        }
        List<Recipient> pending = envelope.recipients().stream()
                .filter(r -> r.status() == RecipientStatus.PENDING).toList();
        ActiveMessage message = new ActiveMessage(envelope, clock.instant(), pending.size());
        active.put(id, message);
        maillog.log("qmgr", id + ": from=<" + envelope.sender() + ">, size=" + envelope.contentLength()
                + ", nrcpt=" + pending.size() + " (queue active)");
        Map<String, List<Recipient>> byNexthop = new LinkedHashMap<>();
        for (Recipient r : pending) {
            AddressResolver.Resolution resolution = resolver.resolve(r.address());
            String key = resolution.transport() == AddressResolver.Transport.LOCAL ? LOCAL : resolution.nexthop();
            byNexthop.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<DeliveryJob> jobs = new ArrayList<>();
        byNexthop.forEach((nexthop, recipients) -> {
            for (int first = 0; first < recipients.size(); first += recipientLimit) {
                List<Recipient> chunk = recipients.subList(first, Math.min(recipients.size(), first + recipientLimit));
                jobs.add(new DeliveryJob(message, nexthop, List.copyOf(chunk)));
            }
        });
        if (jobs.isEmpty()) {                             // nothing left to do: settle at once
            message.expect(1);
            Runnable settleNow = () -> {
                message.requestDone();
                settle(message);
                post(() -> active.remove(id));
            };
            if (!startTask(settleNow)) {
                settleNow.run();                         // no thread free: settle here, it is quick
            }
            return;
        }
        message.expect(jobs.size());
        for (DeliveryJob job : jobs) {
            destination(job.nexthop()).pending.add(job);
        }
    }

    private Destination destination(String nexthop) {
        return destinations.computeIfAbsent(nexthop, n -> LOCAL.equals(n)
                ? new Destination(n, processLimit, processLimit, 0)
                : new Destination(n, initialConcurrency, concurrencyLimit, failedCohortLimit));
    }

    /** Starts what each destination's window and the process limit allow. */
    private void dispatch() {
        boolean started = true;
        while (started) {                                // round robin, one request per destination a pass
            started = false;
            Iterator<Destination> it = destinations.values().iterator();
            while (it.hasNext()) {
                Destination d = it.next();
                if (d.pending.isEmpty()) {
                    if (d.idle()) {
                        it.remove();
                    }
                    continue;
                }
                if (runningCount() >= processLimit) {
                    return;
                }
                DeliveryJob job = d.pending.peek();
                boolean ok;
                if (d.throttled()) {
                    String reason = "delivery temporarily suspended: " + d.throttleReason();
                    ok = startTask(() -> runJob(job, null, suspended(job, reason)));
                } else if (d.canStart()) {
                    ok = startTask(() -> runJob(job, d, null));
                    if (ok) {
                        d.busy++;
                    }
                } else {
                    continue;
                }
                if (!ok) {
                    retrySoon = true;                    // no thread free: try again shortly
                    return;
                }
                d.pending.poll();
                started = true;
            }
        }
    }

    private int runningCount() {
        synchronized (runningLock) {
            return running;
        }
    }

    /** Runs a task on the workers; false when none can take it now (it is not run). */
    private boolean startTask(Runnable task) {
        synchronized (runningLock) {
            running++;
        }
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } finally {
                    synchronized (runningLock) {
                        running--;
                        runningLock.notifyAll();
                    }
                    wake();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            synchronized (runningLock) {
                running--;
            }
            return false;
        }
    }

    // ---- on worker threads ----

    /** Delivers one request (or reports a prepared result), records it, settles the message if last. */
    private void runJob(DeliveryJob job, Destination destination, DeliveryReport prepared) {
        Instant started = clock.instant();
        DeliveryReport report = prepared;
        if (report == null) {
            report = deliver(job);
        }
        record(job, report, started);
        ActiveMessage message = job.message();
        boolean last = message.requestDone();
        if (last) {
            settle(message);
        }
        DeliveryReport done = report;
        post(() -> {
            if (destination != null) {
                destination.busy--;
                if (done.siteFailure()) {
                    String reason = done.results().isEmpty() ? "site failure" : done.results().get(0).reply();
                    destination.onSiteFailure(reason, clock.instant(), backoff.minimal());
                } else {
                    destination.onDelivered();
                }
            }
            if (last) {
                active.remove(message.envelope.id());
            }
        });
    }

    private DeliveryReport deliver(DeliveryJob job) {
        Envelope envelope = job.message().envelope;
        try {
            if (LOCAL.equals(job.nexthop())) {
                return deliverLocally(job);
            }
            return smtp.deliver(job.nexthop(), envelope.sender(), job.addresses(),
                    new SpoolMessageSource(spool, envelope));
        } catch (RuntimeException e) {
            List<RecipientResult> results = job.addresses().stream()
                    .map(r -> new RecipientResult(r, Outcome.DEFERRED, "4.3.0",
                            "delivery failed: internal error: " + e)).toList();
            maillog.warning("qmgr", envelope.id() + ": delivery to " + job.nexthop() + " failed: " + e);
            return new DeliveryReport(results, "none", false, Duration.ZERO, Duration.ZERO);
        }
    }

    private DeliveryReport deliverLocally(DeliveryJob job) {
        Envelope envelope = job.message().envelope;
        SpoolMessageSource content = new SpoolMessageSource(spool, envelope);
        List<RecipientResult> results = new ArrayList<>();
        for (String r : job.addresses()) {
            LocalTransport.Result result = localTransport.deliver(envelope.sender(), r, content);
            results.add(new RecipientResult(r, result.outcome(), result.dsn(), result.text()));
        }
        return new DeliveryReport(results, localTransport.relay(), false, Duration.ZERO, Duration.ZERO);
    }

    private static DeliveryReport suspended(DeliveryJob job, String reason) {
        List<RecipientResult> results = job.addresses().stream()
                .map(r -> new RecipientResult(r, Outcome.DEFERRED, "4.4.1", reason)).toList();
        return new DeliveryReport(results, "none", false, Duration.ZERO, Duration.ZERO);
    }

    /** Marks delivered recipients on disk before anything else can retry them, logs, tallies. */
    private void record(DeliveryJob job, DeliveryReport report, Instant started) {
        ActiveMessage message = job.message();
        Envelope envelope = message.envelope;
        Map<String, Recipient> byAddress = new HashMap<>();
        job.recipients().forEach(r -> byAddress.put(r.address(), r));
        Map<Integer, RecipientStatus> delivered = new HashMap<>();
        Instant now = clock.instant();
        String delays = Delays.of(envelope.arrival(), message.activatedAt, started, report, now);
        boolean local = LOCAL.equals(job.nexthop());
        String role = local ? localTransport.role() : "smtp";
        for (RecipientResult result : report.results()) {
            Recipient recipient = byAddress.get(result.recipient());
            if (recipient == null) {
                continue;
            }
            String status = switch (result.outcome()) {
                case SENT -> "sent";
                case DEFERRED -> "deferred";
                case BOUNCED -> "bounced";
            };
            String relay = report.relayOf(result.recipient());
            String remoteMta = local || "none".equals(relay) ? null : relay;   // local bounces name no MTA
            maillog.log(role, envelope.id() + ": to=<" + recipient.address() + ">, relay=" + relay
                    + ", " + delays + ", dsn=" + result.dsn() + ", status=" + status + " (" + result.reply() + ")");
            history.add(new Delivery(now, envelope.id().toString(), recipient.address(), relay, result.dsn(),
                    status, result.reply()));
            FailedRecipient failed = new FailedRecipient(recipient.index(), recipient.address(), result.dsn(),
                    result.reply(), result.serverReply(), remoteMta);
            switch (result.outcome()) {
                case SENT -> delivered.put(recipient.index(), RecipientStatus.DELIVERED);
                case DEFERRED -> message.deferred(failed);
                case BOUNCED -> message.bounced(failed);
            }
        }
        // All of the message delivered at once: settle removes it durably, no marks needed.
        if (!delivered.isEmpty() && delivered.size() < message.pendingAtActivation) {
            try {
                spool.markRecipients(QueueName.ACTIVE, envelope.id(), delivered);
            } catch (IOException e) {
                maillog.warning("qmgr", envelope.id() + ": cannot mark delivered recipients done: " + e.getMessage()
                        + " (they may be delivered again)");
            }
        }
    }

    /**
     * Settles a message after its last request: bounces what failed (and what expired), keeps what
     * was deferred in deferred/ until its next attempt, removes the message when nothing is left.
     */
    private void settle(ActiveMessage message) {
        Envelope envelope = message.envelope;
        QueueId id = envelope.id();
        Instant now = clock.instant();
        QueueAction adminAction = message.startSettling();
        if (adminAction == QueueAction.DELETE) {
            try {
                spool.remove(QueueName.ACTIVE, id);      // as postsuper -d: no bounce, no further attempt
                maillog.log("postsuper", id + ": removed");
            } catch (IOException e) {
                maillog.warning("qmgr", id + ": cannot remove as postsuper asked: " + e.getMessage());
            }
            return;
        }
        List<FailedRecipient> bounced = new ArrayList<>(message.bouncedRecipients());
        List<FailedRecipient> deferred = message.deferredRecipients();
        try {
            if (!deferred.isEmpty() && backoff.expired(now, envelope.arrival(), message.isBounce())) {
                maillog.log("qmgr", id + ": from=<" + envelope.sender() + ">, status=expired, returned to sender");
                bounced.addAll(deferred);
                deferred = List.of();
            }
            if (!bounced.isEmpty()) {
                bounce.returnToSender(envelope, bounced);
                Map<Integer, RecipientStatus> marks = new HashMap<>();
                bounced.forEach(b -> marks.put(b.index(), RecipientStatus.BOUNCED));
                if (!deferred.isEmpty()) {
                    spool.markRecipients(QueueName.ACTIVE, id, marks);
                }
            }
            if (deferred.isEmpty()) {
                spool.remove(QueueName.ACTIVE, id);
                maillog.log("qmgr", id + ": removed");
                return;
            }
            Map<String, String> reasons = new LinkedHashMap<>();
            deferred.forEach(d -> reasons.put(d.address(), d.text()));
            try {
                spool.writeDeferReasons(id, reasons);
            } catch (IOException e) {                    // informational (mailq's reason): never blocks the deferral
                maillog.warning("qmgr", id + ": cannot write the defer log: " + e.getMessage());
            }
            if (envelope.nextWarning() != null && !now.isBefore(envelope.nextWarning())) {
                bounce.warnSender(envelope, deferred, backoff.retryUntil(envelope.arrival(), message.isBounce()));
                spool.clearWarning(QueueName.ACTIVE, id);
            }
            spool.setNextAttempt(QueueName.ACTIVE, id, backoff.nextAttempt(now, envelope.arrival()));
            QueueName next = adminAction == QueueAction.HOLD ? QueueName.HOLD
                    : adminAction == QueueAction.REQUEUE ? QueueName.INCOMING : QueueName.DEFERRED;
            spool.move(id, QueueName.ACTIVE, next);
            if (adminAction != null) {
                maillog.log("postsuper", id + ": " + adminAction.logged());
            }
            if (next == QueueName.INCOMING) {
                incoming(id);
            }
        } catch (IOException e) {
            stranded.add(id);
            maillog.warning("qmgr", id + ": cannot settle after delivery: " + e.getMessage()
                    + " (the message stays queued and is requeued at the next queue run)");
        }
    }
}
