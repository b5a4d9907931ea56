package org.postrelay.smtp;

import jakarta.mail.Session;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import org.postrelay.config.Config;
import org.postrelay.config.LookupTable;
import org.postrelay.config.LookupTables;

/**
 * SMTP client over Angus Mail with a per-nexthop connection cache, Postfix's smtp(8) for a null
 * client: one delivery request (one message, some recipients, one destination) in, one result per
 * recipient out. The destination is routed as Postfix does (relayhost list, MX look-up,
 * smtp_fallback_relay) through a {@link DnsResolver}. Thread-safe; each delivery runs on the
 * caller's thread.
 */
public final class SmtpClient implements AutoCloseable {

    private final ClientSettings settings;
    private final RoutingSettings routing;
    private final MxRoute mxRoute;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor timer;
    private final Session session;
    private final ConnectionCache cache;

    /** A client with the system's resolver configuration, logging to the {@code org.postrelay.smtp} logger. */
    public SmtpClient(Config config) {
        this(config, DnsResolver.system());
    }

    /**
     * A client whose look-ups go through {@code dns} (tests: a resolver at a DNS responder on
     * loopback), logging to the {@code org.postrelay.smtp} logger.
     */
    public SmtpClient(Config config, DnsResolver dns) {
        this(config, dns, SmtpLog.logger(), Clock.systemUTC());
    }

    /**
     * A client whose TLS and SASL log lines go to {@code log} (the engine's maillog); the clock tells
     * a message's age, which decides whether a failed opportunistic handshake is retried in clear text.
     *
     * @throws org.postrelay.config.ConfigException for a bad routing, TLS or SASL setting, certificate,
     *                                              key or table, naming the parameter
     */
    public SmtpClient(Config config, DnsResolver dns, SmtpLog log, Clock clock) {
        this(config, dns, log, clock, LookupTables::openAll);
    }

    /** As above, with the password tables opened by {@code openTables} (tests). */
    SmtpClient(Config config, DnsResolver dns, SmtpLog log, Clock clock,
               Function<List<String>, List<LookupTable>> openTables) {
        this.settings = ClientSettings.from(config, log, openTables);
        this.routing = RoutingSettings.from(config);
        this.mxRoute = new MxRoute(dns, routing);
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
     * Delivers one message to the recipients via a destination in relayhost syntax: one nexthop or
     * a list ("[a]:587, [b]:587", tried in order), a port defaulting to smtp_tcp_port; then
     * smtp_fallback_relay. Never throws for trouble with the destination or the message: every
     * recipient gets a result. IllegalArgumentException for a value that is not relayhost syntax.
     */
    public DeliveryReport deliver(String destination, String sender, List<String> recipients, MessageSource message) {
        List<Nexthop> nexthops = routing.parse(destination);
        if (nexthops.isEmpty()) {
            throw new IllegalArgumentException("deliver: empty destination");
        }
        return deliver(nexthops, sender, recipients, message);
    }

    /** Delivers via one nexthop, then smtp_fallback_relay; as {@link #deliver(String, String, List, MessageSource)}. */
    public DeliveryReport deliver(Nexthop nexthop, String sender, List<String> recipients, MessageSource message) {
        return deliver(List.of(nexthop), sender, recipients, message);
    }

    /** Delivers via the nexthops in order, then smtp_fallback_relay. */
    public DeliveryReport deliver(List<Nexthop> nexthops, String sender, List<String> recipients,
                                  MessageSource message) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("deliver to " + nexthops + ": no recipients");
        }
        if (nexthops.isEmpty()) {
            throw new IllegalArgumentException("deliver: no destination");
        }
        return new DeliveryAttempt(settings, routing, mxRoute, cache, session, timer, recipients,
                waitedBeforeThisAttempt(message)).run(nexthops, sender == null ? "" : sender, message);
    }

    /**
     * Whether the message waited at least minimal_backoff_time before this attempt: then a failed
     * opportunistic TLS handshake is retried in clear text (Postfix's PREACTIVE_DELAY rule).
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
