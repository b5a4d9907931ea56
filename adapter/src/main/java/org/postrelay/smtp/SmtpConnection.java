package org.postrelay.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.WriteTimeoutSocket;

/**
 * One SMTP session with a server of a nexthop, as Postfix's smtp_connect.c opens it: try each server
 * address that {@link MxRoute} found until one accepts, then greeting and EHLO through Angus's
 * SMTPTransport on our socket. Used by one delivery at a time; between deliveries it may wait in the
 * {@link ConnectionCache}, filed under its nexthop.
 */
final class SmtpConnection {

    private static final Logger LOG = Logger.getLogger("org.postrelay.smtp");

    /** Why a session could not be set up; the verdict is already made. */
    static final class OpenFailure extends Exception {
        final String relay;
        final SmtpTrouble.Verdict verdict;

        OpenFailure(String relay, SmtpTrouble.Verdict verdict) {
            super(verdict.results().isEmpty() ? relay : verdict.results().get(0).reply(), null, false, false);
            this.relay = relay;
            this.verdict = verdict;
        }
    }

    final Nexthop nexthop;       // the destination this session serves: a relayhost item, the domain, a fallback relay
    final SessionTarget target;  // the server: its host name (MX host or relayhost host), address and port
    final String relay;          // host[addr]:port, as Postfix logs it
    final String relayName;      // host[addr], as Postfix says it in diagnostics
    final long openedNanos;
    volatile long idleSinceNanos;
    private final SMTPTransport transport;
    private final ConversationSocket socket;
    private MessagingException lastFailure;
    private ConversationSocket.Stage lastFailureStage;

    private SmtpConnection(Nexthop nexthop, SessionTarget target, SMTPTransport transport, ConversationSocket socket) {
        this.nexthop = nexthop;
        this.target = target;
        this.relayName = target.relayName();
        this.relay = target.relay();
        this.transport = transport;
        this.socket = socket;
        this.openedNanos = System.nanoTime();
    }

    /**
     * Opens a session with the first of the targets (from {@link MxRoute}, in order) that connects,
     * greets and answers EHLO; each one tried is taken from the iterator. A target that fails
     * softly (refused, 4xx greeting, lost) is passed over; a permanent refusal (5xx greeting unless
     * smtp_skip_5xx_greeting, 5xx to EHLO) is thrown at once; when none is left, the last failure.
     */
    static SmtpConnection open(Nexthop nexthop, Iterator<SessionTarget> targets, List<String> recipients,
                               ClientSettings settings, boolean skip5xxGreeting, Session session,
                               ScheduledExecutorService timer) throws OpenFailure {
        OpenFailure last = null;
        while (targets.hasNext()) {
            SessionTarget target = targets.next();
            InetAddress address;
            try {
                // named after the server, so that Angus never asks reverse DNS for a name
                address = InetAddress.getByAddress(target.hostName(), target.address().getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("address of bad length from the resolver: " + target, e);
            }
            String relayName = target.relayName();
            ConversationSocket socket = new ConversationSocket(settings);
            try {
                socket.connect(new InetSocketAddress(address, target.port()),
                        ClientSettings.millis(settings.connectTimeout()));
                socket.awaitGreeting();
            } catch (IOException e) {
                closeQuietly(socket);
                LOG.log(Level.FINE, "connect to {0}: {1}", new Object[] {target.relay(), e});
                last = new OpenFailure("none", SmtpTrouble.connectFailed(recipients, target.relay(), e));
                continue;
            }
            SMTPTransport transport = new SMTPTransport(session,
                    new URLName("smtp", target.hostName(), target.port(), null, null, null));
            try {
                transport.connect(new WriteTimeoutSocket(socket, ClientSettings.millis(settings.dataXferTimeout()),
                        timer));
                return new SmtpConnection(nexthop, target, transport, socket);
            } catch (MessagingException | IOException e) {
                ConversationSocket.Stage stage = socket.stage();
                closeQuietly(socket);
                last = new OpenFailure(target.relay(), SmtpTrouble.sessionFailed(recipients, relayName, stage,
                        transport.getLastReturnCode(), transport.getLastServerResponse(), e, skip5xxGreeting));
                LOG.log(Level.FINE, "session with {0}: {1}", new Object[] {target.relay(), last.getMessage()});
                if (last.verdict.results().get(0).outcome() == Outcome.BOUNCED) {
                    throw last;                                  // a permanent refusal: no other server is asked
                }
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("no server to connect to for " + nexthop);
        }
        throw last;
    }

    /** One mail transaction: MAIL FROM, RCPT TO each recipient, DATA, the queued bytes, end of data. */
    SmtpTrouble.Verdict send(String sender, List<String> recipients, MessageSource message, Session session) {
        lastFailure = null;
        Address[] to = new Address[recipients.size()];
        for (int i = 0; i < to.length; i++) {
            InternetAddress a = new InternetAddress();
            a.setAddress(recipients.get(i));               // as queued: no parsing, no rewriting
            to[i] = a;
        }
        try {
            transport.sendMessage(new QueuedMessage(session, sender, message), to);
            return SmtpTrouble.delivered(recipients, transport.getLastServerResponse());
        } catch (MessagingException e) {
            lastFailure = e;
            lastFailureStage = socket.stage();
            return SmtpTrouble.sendFailed(recipients, relayName, lastFailureStage, e);
        } catch (RuntimeException e) {
            // Angus lets an IllegalStateException or IllegalArgumentException through on odd input
            lastFailure = new MessagingException(e.toString(), e);
            lastFailureStage = socket.stage();
            return SmtpTrouble.sendFailed(recipients, relayName, lastFailureStage, lastFailure);
        }
    }

    /** Whether the last send failed only because this (cached) connection was already dead. */
    boolean lastSendFoundItDead() {
        return lastFailure != null && SmtpTrouble.staleConnection(lastFailureStage, lastFailure);
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    /** QUIT without waiting for the reply, then close. */
    void close() {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            LOG.log(Level.FINE, "closing the connection to " + relay + ": " + e, e);
        } finally {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(java.net.Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
