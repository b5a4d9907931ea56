package org.postrelay.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.postrelay.config.ConfigException;

/**
 * One SMTP session with a server of a nexthop, as Postfix's smtp_connect.c opens it: try each server
 * address that {@link MxRoute} found until one accepts, then greeting, EHLO, STARTTLS (or TLS from
 * the first byte) and AUTH through Angus's SMTPTransport on our {@link ConversationSocket}, with
 * Postfix's TLS policy checks; mail transactions are pipelined when the server offers PIPELINING
 * ({@link RelayTransport}). Used by one delivery at a time; between deliveries it may wait in
 * the {@link ConnectionCache}, filed under its nexthop.
 */
final class SmtpConnection {

    private static final Logger LOG = Logger.getLogger("org.postrelay.smtp");

    /** Why a session could not be set up; the verdict is already made. */
    static final class OpenFailure extends Exception {
        final String relay;
        final SmtpTrouble.Verdict verdict;
        final boolean retryWithoutTls;           // an opportunistic handshake failed: Postfix tries again in clear

        OpenFailure(String relay, SmtpTrouble.Verdict verdict) {
            this(relay, verdict, false);
        }

        OpenFailure(String relay, SmtpTrouble.Verdict verdict, boolean retryWithoutTls) {
            super(verdict.results().isEmpty() ? relay : verdict.results().get(0).reply(), null, false, false);
            this.relay = relay;
            this.verdict = verdict;
            this.retryWithoutTls = retryWithoutTls;
        }
    }

    final Nexthop nexthop;       // the destination this session serves: a relayhost item, the domain, a fallback relay
    final SessionTarget target;  // the server: its host name (MX host or relayhost host), address and port
    final String relay;          // host[addr]:port, as Postfix logs it
    final String relayName;      // host[addr], as Postfix says it in diagnostics
    final long openedNanos;
    final boolean cacheable;     // false for a clear-text retry after a failed opportunistic handshake
    volatile long idleSinceNanos;
    private final SMTPTransport transport;
    private final ConversationSocket socket;
    private MessagingException lastFailure;
    private ConversationSocket.Stage lastFailureStage;

    private SmtpConnection(Nexthop nexthop, SessionTarget target, SMTPTransport transport, ConversationSocket socket,
                           boolean cacheable) {
        this.nexthop = nexthop;
        this.target = target;
        this.relayName = target.relayName();
        this.relay = target.relay();
        this.transport = transport;
        this.socket = socket;
        this.cacheable = cacheable;
        this.openedNanos = System.nanoTime();
    }

    /**
     * Opens a session with the first of the targets (from {@link MxRoute}, in order) that connects,
     * greets, answers EHLO and passes the TLS and SASL steps; each one tried is taken from the
     * iterator. A target that fails softly (refused, 4xx greeting, lost, TLS trouble) is passed over;
     * a permanent refusal (5xx greeting unless smtp_skip_5xx_greeting, 5xx to EHLO) is thrown at
     * once; when none is left, the last failure. {@code mayRetryWithoutTls}: see {@link #connect}.
     */
    static SmtpConnection open(Nexthop nexthop, Iterator<SessionTarget> targets, List<String> recipients,
                               ClientSettings settings, boolean skip5xxGreeting, Session session,
                               ScheduledExecutorService timer, boolean mayRetryWithoutTls) throws OpenFailure {
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
            try {
                return connect(nexthop, target, address, recipients, settings, skip5xxGreeting, session, timer,
                        mayRetryWithoutTls);
            } catch (IOException e) {
                LOG.log(Level.FINE, "connect to {0}: {1}", new Object[] {target.relay(), e});
                last = new OpenFailure("none", SmtpTrouble.connectFailed(recipients, target.relay(), e));
            } catch (OpenFailure f) {
                LOG.log(Level.FINE, "session with {0}: {1}", new Object[] {target.relay(), f.getMessage()});
                last = f;
                if (f.verdict.results().get(0).outcome() == Outcome.BOUNCED) {
                    throw f;                                 // a permanent refusal: no other server is asked
                }
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("no server to connect to for " + nexthop);
        }
        throw last;
    }

    /**
     * One server address: the TCP connection, then the SMTP session on it (greeting, EHLO, TLS, AUTH).
     * As Postfix's smtp_connect.c, a failed opportunistic handshake is retried once on the same address
     * with TLS off, when {@code mayRetryWithoutTls} and no SASL credentials are at stake.
     *
     * @param target the server: its host name (the MX host, or the nexthop's host), address and port
     * @throws IOException when no TCP connection could be made: the caller tries the next address
     * @throws OpenFailure when the server was reached but the session failed: the verdict is made
     */
    static SmtpConnection connect(Nexthop nexthop, SessionTarget target, InetAddress address,
                                  List<String> recipients, ClientSettings settings, boolean skip5xxGreeting,
                                  Session session, ScheduledExecutorService timer, boolean mayRetryWithoutTls)
            throws IOException, OpenFailure {
        TlsPolicy.Level level = settings.tls().level();
        while (true) {
            Socket tcp = new Socket();
            try {
                tcp.connect(new InetSocketAddress(address, target.port()), ClientSettings.millis(settings.connectTimeout()));
            } catch (IOException e) {
                closeQuietly(tcp);
                throw e;
            }
            try {
                return start(nexthop, target, tcp, level, recipients, settings, skip5xxGreeting, session, timer,
                        mayRetryWithoutTls && level == TlsPolicy.Level.MAY);
            } catch (OpenFailure f) {
                if (!f.retryWithoutTls) {
                    throw f;
                }
                settings.log().info("Cannot start TLS: handshake failure with " + f.relay + "; trying again without TLS");
                level = TlsPolicy.Level.NONE;
            }
        }
    }

    /** The SMTP session on a connected socket at a TLS level; see {@link #connect}. */
    private static SmtpConnection start(Nexthop nexthop, SessionTarget target, Socket tcp, TlsPolicy.Level level,
                                        List<String> recipients, ClientSettings settings, boolean skip5xxGreeting,
                                        Session session, ScheduledExecutorService timer, boolean mayRetryWithoutTls)
            throws IOException, OpenFailure {
        String host = target.hostName();
        String relayName = target.relayName();
        String relay = target.relay();
        ConversationSocket socket;
        try {
            socket = new ConversationSocket(settings, tcp, timer);
        } catch (IOException e) {
            closeQuietly(tcp);
            throw e;
        }
        StartTls tls = level == TlsPolicy.Level.NONE ? null : settings.startTls();
        if (tls != null) {
            StartTls.Peer peer = new StartTls.Peer(relay, host, nexthop.host(), level);
            socket.tlsStart(t -> tls.handshake(t, peer));
        }
        boolean wrapper = tls != null && settings.tls().wrapperMode();
        try {
            if (wrapper) {
                socket.startTls();                     // SMTPS: TLS before the greeting
            }
            socket.awaitGreeting();
        } catch (IOException e) {
            closeQuietly(socket);
            if (socket.tlsFailure() != null) {
                throw tlsFailure(socket, relay, host, nexthop, level, recipients, settings, false);
            }
            throw e;
        }
        RelayTransport transport = new RelayTransport(session,
                new URLName("smtp", host, target.port(), null, null, null), socket, tls != null && !wrapper,
                level.required(), settings.ehloDiscard(), settings.log());
        try {
            transport.connect(socket);
        } catch (MessagingException | RuntimeException e) {
            ConversationSocket.Stage stage = socket.stage();
            closeQuietly(socket);
            if (socket.tlsFailure() != null) {
                throw tlsFailure(socket, relay, host, nexthop, level, recipients, settings, mayRetryWithoutTls);
            }
            if (transport.starttlsRefusal() != null) {
                throw new OpenFailure(relay, SmtpTrouble.tlsRefused(recipients, relayName,
                        transport.starttlsRefusalCode(), transport.starttlsRefusal()));
            }
            throw new OpenFailure(relay, SmtpTrouble.sessionFailed(recipients, relayName, stage,
                    transport.getLastReturnCode(), transport.getLastServerResponse(), e, skip5xxGreeting));
        }
        SmtpConnection connection = new SmtpConnection(nexthop, target, transport, socket,
                level == settings.tls().level());
        if (level.required() && socket.tls() == null) {
            connection.close();                        // QUIT: nothing is sent in clear when TLS is required
            throw new OpenFailure(relay, SmtpTrouble.tlsNotOffered(recipients, relayName));
        }
        SmtpTrouble.Verdict refused = authenticate(connection, host, recipients, settings);
        if (refused != null) {
            connection.close();
            throw new OpenFailure(relay, refused);
        }
        return connection;
    }

    /** The verdict on a failed TLS start: not verified, or a handshake failure (perhaps to be retried in clear). */
    private static OpenFailure tlsFailure(ConversationSocket socket, String relay, String host, Nexthop nexthop,
                                          TlsPolicy.Level level, List<String> recipients, ClientSettings settings,
                                          boolean mayRetryWithoutTls) {
        if (socket.tlsFailure() instanceof StartTls.Failure f && f.notVerified) {
            return new OpenFailure(relay, SmtpTrouble.certificateNotVerified(recipients));
        }
        boolean may = level == TlsPolicy.Level.MAY;
        return new OpenFailure(relay, SmtpTrouble.tlsHandshakeFailed(recipients, !may),
                may && mayRetryWithoutTls && !haveSaslCredentials(settings.sasl(), host, nexthop));
    }

    /** Postfix's HAVE_SASL_CREDENTIALS: no clear-text retry when we would have logged in. */
    private static boolean haveSaslCredentials(SaslPolicy sasl, String host, Nexthop nexthop) {
        if (!sasl.enabled()) {
            return false;
        }
        try {
            return sasl.passwords().find(host, nexthop).isPresent();
        } catch (ConfigException e) {
            return true;                               // cannot tell: stay on the safe side
        }
    }

    /**
     * SASL as Postfix's smtp_sasl_helo_login(): only when enabled and the server offers AUTH; no
     * credentials for this server means no AUTH at all. Null when the session may go on.
     */
    private static SmtpTrouble.Verdict authenticate(SmtpConnection c, String host, List<String> recipients,
                                                    ClientSettings settings) {
        SaslPolicy sasl = settings.sasl();
        RelayTransport transport = (RelayTransport) c.transport;
        List<String> offered = mechanisms(transport);
        if (!sasl.enabled() || offered == null) {
            return null;
        }
        List<String> usable = sasl.filter(offered);
        if (usable.isEmpty()) {
            settings.log().warning(offered.isEmpty() ? c.relay + " offered null AUTH mechanism list"
                    : c.relay + " offered no supported AUTH mechanisms: '" + String.join(" ", offered) + "'");
        }
        Optional<SaslPasswords.Credentials> credentials;
        try {
            credentials = sasl.passwords().find(host, c.nexthop);
        } catch (ConfigException e) {
            settings.log().warning(sasl.passwords().names() + " lookup error: " + e.getMessage());
            return SmtpTrouble.localDataError(recipients, c.relayName);
        }
        if (credentials.isEmpty()) {
            return null;                               // "talk to each other like strangers"
        }
        if (usable.isEmpty()) {
            return SmtpTrouble.saslNoCompatibleMechanisms(recipients, c.relayName);
        }
        Optional<SaslPolicy.Mechanism> mechanism = sasl.choose(usable, c.socket.tls() != null);
        if (mechanism.isEmpty()) {
            settings.log().warning("SASL authentication failure: No worthy mechs found");
            return SmtpTrouble.saslCannotAuthenticate(recipients, c.relayName, "no mechanism available");
        }
        try {
            SaslAuthenticator.Result r = SaslAuthenticator.authenticate(c.socket, mechanism.get(), credentials.get());
            if (r.ok()) {
                return null;
            }
            if (r.trouble() != null) {
                return r.code() == 0 && r.trouble().endsWith("loop") ? SmtpTrouble.saslLoop(recipients, c.relayName)
                        : SmtpTrouble.saslCannotAuthenticate(recipients, c.relayName, r.trouble());
            }
            return SmtpTrouble.saslRejected(recipients, c.relayName, r.code(), r.reply(), sasl.softBounce());
        } catch (IOException e) {
            return SmtpTrouble.lostConnection(recipients, c.relayName, c.socket.stage(), e);
        }
    }

    /** The mechanisms of the EHLO reply's AUTH line (and of the old "AUTH=LOGIN" form); null without AUTH. */
    private static List<String> mechanisms(SMTPTransport transport) {
        List<String> mechanisms = new ArrayList<>();
        boolean offered = false;
        if (transport.supportsExtension("AUTH")) {
            offered = true;
            addWords(mechanisms, transport.getExtensionParameter("AUTH"));
        }
        for (String legacy : List.of("LOGIN", "PLAIN")) {
            if (transport.supportsExtension("AUTH=" + legacy)) {
                offered = true;
                addWords(mechanisms, legacy + " " + Objects.toString(transport.getExtensionParameter("AUTH=" + legacy), ""));
            }
        }
        return offered ? mechanisms : null;
    }

    private static void addWords(List<String> into, String words) {
        if (words != null) {
            for (String w : words.trim().split("\\s+")) {
                if (!w.isEmpty() && into.stream().noneMatch(w::equalsIgnoreCase)) {
                    into.add(w.toUpperCase(Locale.ROOT));
                }
            }
        }
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

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
