package org.postrelay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.auth.PlainAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.UsernamePasswordValidator;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * A real SMTP server (SubEthaSMTP) on 127.0.0.1, port 0, for the TLS and SASL tests: STARTTLS with a
 * given certificate and protocols (or TLS from the first byte), a STARTTLS that refuses (454) or goes
 * silent after its 220, AUTH PLAIN and/or LOGIN against a user table. It records each message with
 * whether it came over TLS and who had logged in, the client certificates presented, and each login.
 */
public final class TlsSmtpServer implements AutoCloseable {

    private static final Logger SUBETHA = Logger.getLogger("org.subethamail");

    static {
        SUBETHA.setLevel(Level.SEVERE);               // failed handshakes are what these tests provoke
    }

    /** A message as it arrived. */
    public record Received(String sender, List<String> recipients, String text, boolean tls, String user) {
    }

    /** One AUTH attempt as the server saw it. */
    public record Login(String user, boolean accepted) {
    }

    /** What the server's STARTTLS does. */
    public enum StartTlsMode { OFFER, REFUSE, SILENT }

    private final List<Received> received = new ArrayList<>();          // guarded by itself
    private final List<List<X509Certificate>> clientCertificates = new CopyOnWriteArrayList<>();
    private final List<Login> logins = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Duration stall = Duration.ZERO;
    private final SMTPServer server;

    private TlsSmtpServer(Builder b) {
        SMTPServer.Builder sb = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("tls.example.net")
                .softwareName("TlsSmtpServer")
                .insertReceivedHeaders(false)
                .messageHandlerFactory(Transaction::new)
                .serverThreadName("tls-smtp-server");
        sb.sessionHandler(new SessionHandler() {
            @Override
            public SessionAcceptance accept(Session session) {
                connections.incrementAndGet();
                return SessionAcceptance.success();
            }

            @Override
            public void onSessionEnd(Session session) {
            }
        });
        if (b.wrapper != null) {
            sb.serverSocketFactory(b.wrapper);
        }
        if (b.startTls != null) {
            SSLContext context = b.startTls;
            String[] protocols = b.protocols;
            boolean wantClientCert = b.wantClientCertificate;
            sb.enableTLS().startTlsSocketFactory(socket -> {
                InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
                SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(socket, remote.getHostString(),
                        socket.getPort(), true);
                s.setUseClientMode(false);
                if (protocols != null) {
                    s.setEnabledProtocols(protocols);
                }
                if (wantClientCert) {
                    s.setWantClientAuth(true);
                    s.addHandshakeCompletedListener(event -> {
                        try {
                            clientCertificates.add(Arrays.stream(event.getPeerCertificates())
                                    .map(X509Certificate.class::cast).toList());
                        } catch (SSLPeerUnverifiedException e) {
                            clientCertificates.add(List.of());
                        }
                    });
                }
                return s;
            });
        }
        if (b.users != null) {
            UsernamePasswordValidator validator = (user, password, context) -> {
                boolean ok = password.equals(b.users.get(user));
                logins.add(new Login(user, ok));
                if (!ok) {
                    throw new LoginFailedException();
                }
            };
            AuthenticationHandlerFactory auth = switch (b.mechanisms) {
                case "PLAIN" -> new PlainAuthenticationHandlerFactory(validator);
                case "LOGIN" -> new LoginAuthenticationHandlerFactory(validator);
                default -> new EasyAuthenticationHandlerFactory(validator);   // PLAIN LOGIN
            };
            sb.authenticationHandlerFactory(auth);
        }
        this.server = sb.build();
        if (b.mode != StartTlsMode.OFFER) {
            server.getCommandHandler().addCommand(new OddStartTls(b.mode));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How the server is made; {@link #start()} makes it listen. */
    public static final class Builder {
        private SSLContext startTls;
        private SSLContext wrapper;
        private String[] protocols;
        private boolean wantClientCertificate;
        private Map<String, String> users;
        private String mechanisms = "PLAIN LOGIN";
        private StartTlsMode mode = StartTlsMode.OFFER;

        /** Offers STARTTLS with this server context. */
        public Builder startTls(SSLContext context) {
            this.startTls = context;
            return this;
        }

        /** Offers STARTTLS, then answers it 454 (REFUSE) or 220 and silence (SILENT). */
        public Builder startTls(StartTlsMode mode) {
            this.mode = mode;
            if (startTls == null) {
                try {
                    startTls = SSLContext.getDefault();           // never used: the command is replaced
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            return this;
        }

        /** Speaks TLS from the first byte (SMTPS) with this server context. */
        public Builder wrapper(SSLContext context) {
            this.wrapper = context;
            return this;
        }

        /** Restricts the STARTTLS protocols, e.g. "TLSv1.2". */
        public Builder protocols(String... protocols) {
            this.protocols = protocols.clone();
            return this;
        }

        /** Asks for a client certificate in the STARTTLS handshake and records it. */
        public Builder wantClientCertificate() {
            this.wantClientCertificate = true;
            return this;
        }

        /** Offers AUTH ("PLAIN", "LOGIN" or "PLAIN LOGIN") against user name to password. */
        public Builder auth(String mechanisms, Map<String, String> users) {
            this.mechanisms = mechanisms;
            this.users = Map.copyOf(users);
            return this;
        }

        public TlsSmtpServer start() {
            TlsSmtpServer s = new TlsSmtpServer(this);
            s.server.start();
            return s;
        }
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** The server as an MX-less relayhost under a name, e.g. {@code [localhost]:2525}. */
    public String relayhost(String host) {
        return "[" + host + "]:" + port();
    }

    /** Holds the reply to the end of data this long; the message is recorded first. */
    public TlsSmtpServer stallAfterData(Duration d) {
        this.stall = d;
        return this;
    }

    public List<Received> messages() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The message to this recipient, waiting for it up to {@code timeout}; AssertionError if none came. */
    public Received awaitMessageTo(String recipient, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                Optional<Received> m = received.stream().filter(r -> r.recipients().contains(recipient)).findFirst();
                if (m.isPresent()) {
                    return m.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no message to " + recipient + " within " + timeout + "; got " + received);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(received, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Whether a message to this recipient arrived (no waiting: the delivery call has returned). */
    public boolean received(String recipient) {
        return messages().stream().anyMatch(r -> r.recipients().contains(recipient));
    }

    /** The certificate chains clients presented in STARTTLS handshakes (empty: none presented). */
    public List<List<X509Certificate>> clientCertificates() {
        return List.copyOf(clientCertificates);
    }

    public List<Login> logins() {
        return List.copyOf(logins);
    }

    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop();
    }

    /** One mail transaction, recorded with the session's TLS state and login. */
    private final class Transaction implements MessageHandler {
        private final MessageContext context;
        private String sender;
        private final List<String> recipients = new ArrayList<>();

        Transaction(MessageContext context) {
            this.context = context;
        }

        @Override
        public void from(String address) {
            this.sender = address;
        }

        @Override
        public void recipient(String address) {
            recipients.add(address.toLowerCase(Locale.ROOT));
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            String text = new String(data.readAllBytes(), StandardCharsets.UTF_8);
            Session session = (Session) context;
            boolean tls = session.isTLSStarted() || session.getSocket() instanceof SSLSocket;
            String user = context.getAuthenticationHandler().map(AuthenticationHandler::getIdentity)
                    .map(String::valueOf).orElse(null);
            synchronized (received) {
                received.add(new Received(sender, List.copyOf(recipients), text, tls, user));
                received.notifyAll();
            }
            if (!stall.isZero()) {
                try {
                    closing.await(stall.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "2.0.0 Ok: queued";
        }

        @Override
        public void done() {
        }
    }

    /** STARTTLS that refuses with 454, or says 220 and then waits for the client to give up. */
    private static final class OddStartTls implements Command {
        private final StartTlsMode mode;

        OddStartTls(StartTlsMode mode) {
            this.mode = mode;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException {
            if (mode == StartTlsMode.REFUSE) {
                session.sendResponse("454 4.7.0 TLS not available due to local problem");
                return;
            }
            session.sendResponse("220 2.0.0 Ready to start TLS");
            // no handshake: read until the client hangs up
            InputStream in = session.getSocket().getInputStream();
            while (in.read() >= 0) {
                // discard the client's ClientHello
            }
            session.quit();
        }

        @Override
        public HelpMessage getHelp() {
            return new HelpMessage("STARTTLS", "odd STARTTLS for tests");
        }

        @Override
        public String getName() {
            return "STARTTLS";
        }
    }
}
