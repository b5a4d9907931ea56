package org.postrelay.smtp;

import jakarta.mail.Session;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One delivery request through its destinations, as Postfix's smtp_connect.c: each nexthop in turn
 * (the relayhost list, or the recipient's domain), then each smtp_fallback_relay; per destination a
 * cached session first, then up to smtp_mx_address_limit server addresses and smtp_mx_session_limit
 * sessions. A recipient that a server defers, or that a server's failure leaves undelivered, goes on
 * to the next server; a sent or bounced one is done. What is left when every server was tried gets
 * its last reason: deferred, or bounced when that was a permanent look-up failure (NXDOMAIN, null
 * MX) — unless the destination is the relayhost or a fallback relay, a configuration problem that
 * Postfix defers with 4.3.5.
 */
final class DeliveryAttempt {

    private static final Logger LOG = Logger.getLogger("org.postrelay.smtp");

    private final ClientSettings settings;
    private final RoutingSettings routing;
    private final MxRoute mxRoute;
    private final ConnectionCache cache;
    private final Session session;
    private final ScheduledExecutorService timer;

    private final List<String> recipients;
    private final boolean mayRetryWithoutTls;           // see SmtpConnection.connect
    private final List<String> pending;
    private final Map<String, RecipientResult> done = new HashMap<>();
    private final Map<String, RecipientResult> latest = new HashMap<>();   // the last soft (or look-up) result
    private final Map<String, Boolean> latestSiteFailure = new HashMap<>();
    private final Map<String, String> relays = new HashMap<>();
    private String relay = "none";
    private final long start = System.nanoTime();
    private long connected = -1;
    private long transmitted = -1;

    DeliveryAttempt(ClientSettings settings, RoutingSettings routing, MxRoute mxRoute, ConnectionCache cache,
                    Session session, ScheduledExecutorService timer, List<String> recipients,
                    boolean mayRetryWithoutTls) {
        this.mayRetryWithoutTls = mayRetryWithoutTls;
        this.settings = settings;
        this.routing = routing;
        this.mxRoute = mxRoute;
        this.cache = cache;
        this.session = session;
        this.timer = timer;
        this.recipients = List.copyOf(recipients);
        this.pending = new ArrayList<>(new LinkedHashSet<>(recipients));
    }

    /** Delivers to the destination's servers, then the fallback relays, until no recipient is left. */
    DeliveryReport run(List<Nexthop> destination, String sender, MessageSource message) {
        List<Nexthop> sites = new ArrayList<>(destination);
        for (Nexthop fallback : routing.fallbackRelay()) {
            if (!sites.contains(fallback)) {
                sites.add(fallback);
            }
        }
        int lastTried = -1;
        for (int i = 0; i < sites.size() && !pending.isEmpty(); i++) {
            lastTried = i;
            trySite(sites.get(i), sender, message);
        }
        boolean fallbackLast = lastTried >= destination.size();
        return finish(fallbackLast, destination.equals(routing.relayhost()));
    }

    /** One destination: its cached session, then the servers it resolves to, within the limits. */
    private void trySite(Nexthop site, String sender, MessageSource message) {
        int sessions = 0;
        int addresses = 0;
        InetAddress reused = null;
        if (settings.connectionCacheOnDemand()) {
            SmtpConnection cached = cache.take(site);
            if (cached != null) {
                if (deliverOn(cached, true, sender, message)) {
                    sessions++;
                    addresses++;
                    reused = cached.target.address();
                } else {
                    LOG.log(Level.FINE, "cached connection to {0} was dead; reconnecting", cached.relay);
                }
            }
        }
        if (pending.isEmpty() || limitReached(sessions, addresses)) {
            return;
        }
        MxRoute.Route route = mxRoute.resolve(site);
        if (!route.found()) {
            record(SmtpTrouble.lookupFailed(pending, route.dsn(), route.text()), "none", true);
            return;
        }
        List<SessionTarget> servers = new ArrayList<>(route.targets());
        if (reused != null) {
            InetAddress already = reused;
            servers.removeIf(t -> t.address().equals(already) && t.port() == site.port());
        }
        Budget targets = new Budget(servers.iterator(), routing.mxAddressLimit() <= 0 ? Integer.MAX_VALUE
                : routing.mxAddressLimit() - addresses);
        while (!pending.isEmpty() && targets.hasNext() && !limitReached(sessions, 0)) {
            SmtpConnection connection;
            try {
                connection = SmtpConnection.open(site, targets, List.copyOf(pending), settings,
                        routing.skip5xxGreeting(), session, timer, mayRetryWithoutTls);
            } catch (SmtpConnection.OpenFailure f) {
                record(f.verdict, f.relay, false);         // every server refused, or one for good
                continue;
            }
            sessions++;
            deliverOn(connection, false, sender, message);
        }
    }

    private boolean limitReached(int sessions, int addresses) {
        int sessionLimit = routing.mxSessionLimit();
        int addressLimit = routing.mxAddressLimit();
        return (sessionLimit > 0 && sessions >= sessionLimit) || (addressLimit > 0 && addresses >= addressLimit);
    }

    /**
     * One mail transaction on a session, then the session back to the cache or closed. False (the
     * session closed) when a cached session turned out dead before anything was sent.
     */
    private boolean deliverOn(SmtpConnection connection, boolean fromCache, String sender, MessageSource message) {
        long ready = System.nanoTime();
        SmtpTrouble.Verdict verdict = connection.send(sender, List.copyOf(pending), message, session);
        long sent = System.nanoTime();
        if (fromCache && connection.lastSendFoundItDead()) {
            connection.close();
            return false;
        }
        connected = ready;
        transmitted = sent;
        record(verdict, connection.relay, false);
        if (verdict.reusable() && settings.connectionCacheOnDemand() && connection.cacheable && connection.isOpen()) {
            cache.put(connection);
        } else {
            connection.close();
        }
        return true;
    }

    /**
     * Takes in a verdict on the pending recipients: sent and bounced ones are done; deferred ones
     * stay pending with this as their latest reason. A look-up failure never ends a recipient here,
     * even a permanent one: a fallback relay may still take it (Postfix: "don't give up after a hard
     * host lookup error until we have tried the fallback relay servers").
     */
    private void record(SmtpTrouble.Verdict verdict, String relayName, boolean lookup) {
        relay = relayName;
        for (RecipientResult r : verdict.results()) {
            relays.put(r.recipient(), relayName);
            if (r.outcome() == Outcome.DEFERRED || lookup) {
                latest.put(r.recipient(), r);
                latestSiteFailure.put(r.recipient(), verdict.siteFailure());
            } else {
                done.put(r.recipient(), r);
                pending.remove(r.recipient());
            }
        }
    }

    /** Every server tried: the leftovers get their latest reason; results in the caller's order. */
    private DeliveryReport finish(boolean fallbackLast, boolean relayhost) {
        boolean siteFailure = false;
        boolean warned = false;
        for (String rcpt : pending) {
            RecipientResult r = latest.get(rcpt);
            boolean site = latestSiteFailure.get(rcpt);
            if (r.outcome() == Outcome.BOUNCED && (fallbackLast || relayhost)) {
                // the fallback relay or relayhost does not resolve as expected: defer, don't bounce
                if (!warned) {
                    LOG.warning((fallbackLast ? "smtp_fallback_relay" : "relayhost") + " configuration problem");
                    warned = true;
                }
                r = new RecipientResult(rcpt, Outcome.DEFERRED, "4.3.5", r.reply(), r.serverReply());
                site = true;
            }
            done.put(rcpt, r);
            siteFailure |= r.outcome() == Outcome.DEFERRED && site;
        }
        List<RecipientResult> results = new ArrayList<>();
        Map<String, String> relayOf = new LinkedHashMap<>();
        for (String rcpt : recipients) {
            results.add(done.get(rcpt));
            relayOf.put(rcpt, relays.getOrDefault(rcpt, "none"));
        }
        long end = System.nanoTime();
        Duration connectTime = Duration.ofNanos((connected < 0 ? end : connected) - start);
        Duration transmitTime = connected < 0 ? Duration.ZERO : Duration.ofNanos(transmitted - connected);
        return new DeliveryReport(results, relay, siteFailure, connectTime, transmitTime, relayOf);
    }

    /** The server addresses of one destination, each counted as tried when taken, up to smtp_mx_address_limit. */
    private static final class Budget implements Iterator<SessionTarget> {
        private final Iterator<SessionTarget> servers;
        private int left;

        Budget(Iterator<SessionTarget> servers, int left) {
            this.servers = servers;
            this.left = left;
        }

        @Override
        public boolean hasNext() {
            return left > 0 && servers.hasNext();
        }

        @Override
        public SessionTarget next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            left--;
            return servers.next();
        }
    }
}
