package org.postrelay.smtpd;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.postrelay.master.Maillog;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * The sessions of one smtpd service: admits a connection or refuses it with 421 when the service
 * is at its process limit or stopping, logs Postfix's {@code connect from} and
 * {@code disconnect from} lines, and hands each command the state of its session.
 */
final class SessionTracker implements SessionHandler {

    private final SmtpdService service;
    private final Maillog maillog;
    private final ClientNames names;
    private final Map<Session, SmtpdSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean warnedAtLimit = new AtomicBoolean();
    private volatile boolean closing;

    SessionTracker(SmtpdService service, Maillog maillog, ClientNames names) {
        this.service = service;
        this.maillog = maillog;
        this.names = names;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        if (closing) {
            return SessionAcceptance.failure(421, shutdownText());
        }
        int now = active.incrementAndGet();
        if (service.processLimit > 0 && now > service.processLimit) {
            active.decrementAndGet();
            if (warnedAtLimit.compareAndSet(false, true)) {
                // Postfix's master logs this when a service runs out of processes
                int port = session.getSocket().getLocalPort();   // the port taken when master.cf said 0
                String name = service.port == 0 ? Integer.toString(port) : service.name;
                maillog.warning("master", "service \"" + name + "\" (" + port + ") has reached its process limit \"" + service.processLimit
                        + "\": new clients may experience noticeable delays");
            }
            return SessionAcceptance.failure(421, "4.3.2 All server ports are busy");
        }
        if (now < service.processLimit) {
            warnedAtLimit.set(false);
        }
        InetAddress address = session.getRemoteAddress().getAddress();
        SmtpdSession state = new SmtpdSession(session, address, names.nameOf(address), "421 " + shutdownText());
        sessions.put(session, state);
        maillog.log("smtpd", "connect from " + state.client);
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
        SmtpdSession state = sessions.remove(session);
        if (state == null) {
            return;
        }
        active.decrementAndGet();
        synchronized (this) {
            notifyAll();                                      // for awaitNoSessions
        }
        if (!state.quit && !state.closing()) {
            long idle = System.nanoTime() - state.lastActivity;
            String what = idle >= service.timeout.toNanos() ? "timeout" : "lost connection";
            maillog.log("smtpd", what + " after " + state.lastVerb + " from " + state.client);
        }
        maillog.log("smtpd", "disconnect from " + state.client + state.counters());
    }

    /** The state of a session this tracker admitted. */
    SmtpdSession state(Session session) {
        SmtpdSession state = sessions.get(session);
        if (state == null) {
            throw new IllegalStateException("smtpd: a command for a session that was never admitted");
        }
        return state;
    }

    /** Refuses new sessions and closes the open ones: idle ones now, busy ones after their command. */
    void shutdown() {
        closing = true;
        sessions.values().forEach(SmtpdSession::shutdown);
    }

    /** Waits until every session has ended, or until {@code deadline} (System.nanoTime()). */
    synchronized void awaitNoSessions(long deadline) {
        long left;
        while (!sessions.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String shutdownText() {
        return "4.3.2 " + service.myhostname + " Service shutting down, closing transmission channel";
    }
}
