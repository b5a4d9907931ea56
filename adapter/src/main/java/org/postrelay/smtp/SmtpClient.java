package org.postrelay.smtp;

import jakarta.mail.Session;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.postrelay.config.Config;

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
    private final ScheduledThreadPoolExecutor timer;
    private final Session session;
    private final ConnectionCache cache;

    /** A client whose look-ups use the system's resolver configuration (/etc/resolv.conf, /etc/hosts). */
    public SmtpClient(Config config) {
        this(config, DnsResolver.system());
    }

    /**
     * A client whose look-ups go through {@code dns} (tests: a resolver at a DNS responder on
     * loopback). Bad routing parameters are a ConfigException naming the parameter.
     */
    public SmtpClient(Config config, DnsResolver dns) {
        this.settings = ClientSettings.from(config);
        this.routing = RoutingSettings.from(config);
        this.mxRoute = new MxRoute(dns, routing);
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
        return new DeliveryAttempt(settings, routing, mxRoute, cache, session, timer, recipients)
                .run(nexthops, sender == null ? "" : sender, message);
    }

    /** Closes idle connections (QUIT) and stops the timer. */
    @Override
    public void close() {
        cache.close();
        timer.shutdownNow();
    }
}
