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
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.WriteTimeoutSocket;

/**
 * One SMTP session with a nexthop, as Postfix's smtp_connect.c opens it: look up the host, try each
 * address until one accepts, then greeting and EHLO through Angus's SMTPTransport on our socket.
 * Used by one delivery at a time; between deliveries it may wait in the {@link ConnectionCache}.
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

    final Nexthop nexthop;
    final String relay;          // host[addr]:port, as Postfix logs it
    final String relayName;      // host[addr], as Postfix says it in diagnostics
    final long openedNanos;
    volatile long idleSinceNanos;
    private final SMTPTransport transport;
    private final ConversationSocket socket;
    private MessagingException lastFailure;
    private ConversationSocket.Stage lastFailureStage;

    private SmtpConnection(Nexthop nexthop, String relayName, SMTPTransport transport, ConversationSocket socket) {
        this.nexthop = nexthop;
        this.relayName = relayName;
        this.relay = relayName + ":" + nexthop.port();
        this.transport = transport;
        this.socket = socket;
        this.openedNanos = System.nanoTime();
    }

    /** Opens a session; for now the nexthop's host is looked up by A/AAAA record (no MX look-up yet). */
    static SmtpConnection open(Nexthop nexthop, List<String> recipients, ClientSettings settings, Session session,
                               ScheduledExecutorService timer) throws OpenFailure {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(nexthop.host());
        } catch (UnknownHostException e) {
            throw new OpenFailure("none", SmtpTrouble.hostNotFound(recipients, nexthop.host()));
        }
        IOException lastFailure = null;
        String lastWhere = null;
        for (InetAddress resolved : addresses) {
            InetAddress address;
            try {
                // named after the nexthop, so that Angus never asks reverse DNS for a name
                address = InetAddress.getByAddress(nexthop.host(), resolved.getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("address of bad length from the resolver: " + resolved, e);
            }
            String relayName = nexthop.host() + "[" + resolved.getHostAddress() + "]";
            ConversationSocket socket = new ConversationSocket(settings);
            try {
                socket.connect(new InetSocketAddress(address, nexthop.port()),
                        ClientSettings.millis(settings.connectTimeout()));
                socket.awaitGreeting();
            } catch (IOException e) {
                closeQuietly(socket);
                lastFailure = e;
                lastWhere = relayName + ":" + nexthop.port();
                LOG.log(Level.FINE, "connect to {0}: {1}", new Object[] {lastWhere, e});
                continue;
            }
            SMTPTransport transport = new SMTPTransport(session,
                    new URLName("smtp", nexthop.host(), nexthop.port(), null, null, null));
            try {
                transport.connect(new WriteTimeoutSocket(socket, ClientSettings.millis(settings.dataXferTimeout()),
                        timer));
                return new SmtpConnection(nexthop, relayName, transport, socket);
            } catch (MessagingException | IOException e) {
                ConversationSocket.Stage stage = socket.stage();
                closeQuietly(socket);
                throw new OpenFailure(relayName + ":" + nexthop.port(), SmtpTrouble.sessionFailed(recipients,
                        relayName, stage, transport.getLastReturnCode(), transport.getLastServerResponse(), e));
            }
        }
        throw new OpenFailure("none", SmtpTrouble.connectFailed(recipients, lastWhere, lastFailure));
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
