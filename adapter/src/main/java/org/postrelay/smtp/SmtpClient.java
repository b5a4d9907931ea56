package org.postrelay.smtp;

import jakarta.mail.Session;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postrelay.config.Config;

/**
 * SMTP client over Angus Mail with a per-nexthop connection cache, Postfix's smtp(8) for a null
 * client: one delivery request (one message, some recipients, one nexthop) in, one result per
 * recipient out. Thread-safe; each delivery runs on the caller's thread.
 */
public final class SmtpClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("org.postrelay.smtp");

    private final ClientSettings settings;
    private final ScheduledThreadPoolExecutor timer;
    private final Session session;
    private final ConnectionCache cache;

    public SmtpClient(Config config) {
        this.settings = ClientSettings.from(config);
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
                    connection = SmtpConnection.open(nexthop, recipients, settings, session, timer);
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
            if (verdict.reusable() && settings.connectionCacheOnDemand() && connection.isOpen()) {
                cache.put(connection);
            } else {
                connection.close();
            }
            return new DeliveryReport(verdict.results(), connection.relay, verdict.siteFailure(),
                    Duration.ofNanos(connected - start), Duration.ofNanos(done - connected));
        }
    }

    /** Closes idle connections (QUIT) and stops the timer. */
    @Override
    public void close() {
        cache.close();
        timer.shutdownNow();
    }
}
