package org.postrelay.smtp;

import jakarta.mail.Session;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postrelay.config.Config;
import org.postrelay.config.LookupTable;
import org.postrelay.config.LookupTables;

/**
 * SMTP client over Angus Mail with a per-nexthop connection cache, Postfix's smtp(8) for a null
 * client: one delivery request (one message, some recipients, one nexthop) in, one result per
 * recipient out. Thread-safe; each delivery runs on the caller's thread.
 */
public final class SmtpClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("org.postrelay.smtp");

    private final ClientSettings settings;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor timer;
    private final Session session;
    private final ConnectionCache cache;

    /** A client logging to the {@code org.postrelay.smtp} logger. */
    public SmtpClient(Config config) {
        this(config, SmtpLog.logger(), Clock.systemUTC());
    }

    /**
     * A client whose TLS and SASL log lines go to {@code log} (the engine's maillog); the clock tells
     * a message's age, which decides whether a failed opportunistic handshake is retried in clear text.
     *
     * @throws org.postrelay.config.ConfigException for a bad TLS/SASL setting, certificate, key or table
     */
    public SmtpClient(Config config, SmtpLog log, Clock clock) {
        this(config, log, clock, LookupTables::openAll);
    }

    /** As above, with the password tables opened by {@code openTables} (tests). */
    SmtpClient(Config config, SmtpLog log, Clock clock, Function<List<String>, List<LookupTable>> openTables) {
        this.settings = ClientSettings.from(config, log, openTables);
        this.clock = clock;
        // one daemon thread for every connection's write timeout and for the cache sweep
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postrelay-smtp-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);     // Angus schedules and cancels a task per write
        this.session = Session.getInstance(settings.properties(timer));
        this.cache = new ConnectionCache(settings, timer);
    }

    /**
     * Delivers one message to the recipients via the nexthop; never throws for trouble with the
     * nexthop or the message: every recipient gets a result.
     */
    public DeliveryReport deliver(Nexthop nexthop, String sender, List<String> recipients, MessageSource message) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("deliver to " + nexthop + ": no recipients");
        }
        String from = sender == null ? "" : sender;
        long start = System.nanoTime();
        SmtpConnection connection = settings.connectionCacheOnDemand() ? cache.take(nexthop) : null;
        boolean reused = connection != null;
        while (true) {
            if (connection == null) {
                try {
                    connection = SmtpConnection.open(nexthop, recipients, settings, session, timer,
                            waitedBeforeThisAttempt(message));
                } catch (SmtpConnection.OpenFailure f) {
                    return new DeliveryReport(f.verdict.results(), f.relay, f.verdict.siteFailure(),
                            Duration.ofNanos(System.nanoTime() - start), Duration.ZERO);
                }
            }
            long connected = System.nanoTime();
            SmtpTrouble.Verdict verdict = connection.send(from, recipients, message, session);
            long done = System.nanoTime();
            if (reused && connection.lastSendFoundItDead()) {
                // the cache held a connection the server had dropped: nothing was sent, try a fresh one
                LOG.log(Level.FINE, "cached connection to {0} was dead; reconnecting", connection.relay);
                connection.close();
                connection = null;
                reused = false;
                continue;
            }
            if (verdict.reusable() && settings.connectionCacheOnDemand() && connection.cacheable && connection.isOpen()) {
                cache.put(connection);
            } else {
                connection.close();
            }
            return new DeliveryReport(verdict.results(), connection.relay, verdict.siteFailure(),
                    Duration.ofNanos(connected - start), Duration.ofNanos(done - connected));
        }
    }

    /**
     * Whether the message waited at least minimal_backoff_time in the queue before this attempt:
     * Postfix's PREACTIVE_DELAY test for retrying a failed opportunistic TLS handshake in clear text.
     * A message of unknown age is on its first attempt.
     */
    private boolean waitedBeforeThisAttempt(MessageSource message) {
        return message.arrivalTime()
                .map(arrival -> !arrival.plus(settings.minimalBackoffTime()).isAfter(clock.instant()))
                .orElse(false);
    }

    /** Closes idle connections (QUIT) and stops the timer. */
    @Override
    public void close() {
        cache.close();
        timer.shutdownNow();
    }
}
