package org.postrelay.smtp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Idle SMTP sessions per nexthop, as Postfix's smtp_reuse.c with scache: a session that delivered
 * waits up to smtp_connection_cache_time_limit for the next delivery to the same nexthop, and is
 * not reused once smtp_connection_reuse_time_limit has passed since it was opened. Expired sessions
 * are closed (QUIT) by a sweep scheduled on the client's timer only while some session is idle.
 */
final class ConnectionCache {

    private final long idleLimitNanos;
    private final long reuseLimitNanos;
    private final ScheduledExecutorService timer;
    private final Map<Nexthop, Deque<SmtpConnection>> idle = new HashMap<>();  // guarded by this
    private boolean sweepScheduled;                                            // guarded by this
    private boolean closed;                                                    // guarded by this

    ConnectionCache(ClientSettings settings, ScheduledExecutorService timer) {
        this.idleLimitNanos = settings.connectionCacheTimeLimit().toNanos();
        this.reuseLimitNanos = settings.connectionReuseTimeLimit().toNanos();
        this.timer = timer;
    }

    /** The most recently used live session to this nexthop, or null. */
    SmtpConnection take(Nexthop nexthop) {
        List<SmtpConnection> expired = new ArrayList<>();
        SmtpConnection found = null;
        long now = System.nanoTime();
        synchronized (this) {
            Deque<SmtpConnection> q = idle.get(nexthop);
            while (q != null && !q.isEmpty() && found == null) {
                SmtpConnection c = q.pollFirst();
                if (usable(c, now)) {
                    found = c;
                } else {
                    expired.add(c);
                }
            }
            if (q != null && q.isEmpty()) {
                idle.remove(nexthop);
            }
        }
        expired.forEach(SmtpConnection::close);
        return found;
    }

    /** Keeps a session that just delivered, unless it is too old to be reused; else closes it. */
    void put(SmtpConnection c) {
        long now = System.nanoTime();
        c.idleSinceNanos = now;
        boolean keep;
        boolean schedule = false;
        synchronized (this) {
            keep = !closed && c.isOpen() && now - c.openedNanos < reuseLimitNanos;
            if (keep) {
                idle.computeIfAbsent(c.nexthop, k -> new ArrayDeque<>()).addFirst(c);
                if (!sweepScheduled) {
                    sweepScheduled = schedule = true;
                }
            }
        }
        if (!keep) {
            c.close();
        } else if (schedule) {
            scheduleSweep(idleLimitNanos);
        }
    }

    /** Closes every idle session. */
    void close() {
        List<SmtpConnection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(SmtpConnection::close);
    }

    synchronized int idleCount() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    private boolean usable(SmtpConnection c, long now) {
        return c.isOpen() && now - c.idleSinceNanos < idleLimitNanos && now - c.openedNanos < reuseLimitNanos;
    }

    private void sweep() {
        List<SmtpConnection> expired = new ArrayList<>();
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        synchronized (this) {
            sweepScheduled = false;
            for (Iterator<Deque<SmtpConnection>> qs = idle.values().iterator(); qs.hasNext(); ) {
                Deque<SmtpConnection> q = qs.next();
                for (Iterator<SmtpConnection> it = q.iterator(); it.hasNext(); ) {
                    SmtpConnection c = it.next();
                    if (usable(c, now)) {
                        next = Math.min(next, c.idleSinceNanos + idleLimitNanos - now);
                    } else {
                        it.remove();
                        expired.add(c);
                    }
                }
                if (q.isEmpty()) {
                    qs.remove();
                }
            }
            if (next != Long.MAX_VALUE && !closed) {
                sweepScheduled = true;
            }
        }
        expired.forEach(SmtpConnection::close);
        if (next != Long.MAX_VALUE) {
            scheduleSweep(next);
        }
    }

    private void scheduleSweep(long delayNanos) {
        try {
            timer.schedule(this::sweep, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(10)), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the client is closing; close() takes care of what is idle
            synchronized (this) {
                sweepScheduled = false;
            }
        }
    }
}
