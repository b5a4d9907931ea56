package org.postrelay.wildfly.example;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (SubEthaSMTP) in the test JVM on 127.0.0.1 that accepts everything and keeps
 * what arrives, so a test can wait for the message the relay delivered.
 */
final class SmtpSink implements AutoCloseable {

    /** One accepted message: the envelope and the data as received. */
    record Received(String sender, List<String> recipients, String data) {
        boolean hasSubject(String subject) {
            return data.contains("Subject: " + subject + "\r\n");
        }
    }

    private static final java.util.logging.Logger SUBETHA = java.util.logging.Logger.getLogger("org.subethamail");

    static {
        SUBETHA.setLevel(java.util.logging.Level.WARNING);
    }

    private final List<Received> received = new ArrayList<>(); // guarded by itself
    private final SMTPServer server;

    private final List<String> logins = new CopyOnWriteArrayList<>();

    /** A sink on {@code port} (0: any free one); with {@code user}, it takes mail only after AUTH as that user. */
    private SmtpSink(int port, String user, String password) {
        SMTPServer.Builder builder = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("sink.example.net")
                .messageHandlerFactory(Transaction::new);
        if (user != null) {
            builder.authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((name, secret, context) -> {
                if (!user.equals(name) || !password.equals(secret)) {
                    throw new LoginFailedException("535 5.7.8 Authentication credentials invalid");
                }
                logins.add(name);
            })).requireAuth(true).showAuthCapabilitiesBeforeSTARTTLS(true);
        }
        this.server = builder.build();
    }

    /** Starts a sink that requires a login (see {@link #logins()}). */
    static SmtpSink startRequiringLogin(String user, String password) {
        SmtpSink sink = new SmtpSink(0, user, password);
        sink.server.start();
        return sink;
    }

    /** The user names of the successful logins so far. */
    List<String> logins() {
        return List.copyOf(logins);
    }

    /** Starts a sink on a free port; it listens when this returns. */
    static SmtpSink start() {
        return start(0);
    }

    /** Starts a sink on the given port (0: any free one). */
    static SmtpSink start(int port) {
        SmtpSink sink = new SmtpSink(port, null, null);
        sink.server.start();
        return sink;
    }

    /** A port nothing listens on right now: a relayhost that is down until a sink starts there. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port on 127.0.0.1", e);
        }
    }

    int port() {
        return server.getPortAllocated();
    }

    /** The sink in relayhost syntax (no MX look-up). */
    String relayhost() {
        return relayhost(port());
    }

    static String relayhost(int port) {
        return "[127.0.0.1]:" + port;
    }

    List<Received> messages() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits for a message that matches; AssertionError naming what did arrive on timeout. */
    Received await(Predicate<Received> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (Received r : received) {
                    if (match.test(r)) {
                        return r;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching message at " + relayhost() + " within " + timeout
                            + "; received: " + received);
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

    Received awaitSubject(String subject, Duration timeout) {
        return await(r -> r.hasSubject(subject), timeout);
    }

    /** Waits for the message, then a little longer, and fails if it arrived more than once. */
    Received awaitSubjectOnce(String subject, Duration timeout) {
        Received first = awaitSubject(subject, timeout);
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        long copies = messages().stream().filter(r -> r.hasSubject(subject)).count();
        if (copies != 1) {
            throw new AssertionError("\"" + subject + "\" delivered " + copies + " times: " + messages());
        }
        return first;
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Transaction implements MessageHandler {
        private String sender;
        private final List<String> recipients = new ArrayList<>();

        Transaction(MessageContext context) {
        }

        @Override
        public void from(String from) {
            this.sender = from;
        }

        @Override
        public void recipient(String recipient) {
            recipients.add(recipient);
        }

        @Override
        public String data(InputStream data) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            data.transferTo(bytes);
            Received r = new Received(sender, List.copyOf(recipients), bytes.toString(StandardCharsets.UTF_8));
            synchronized (received) {
                received.add(r);
                received.notifyAll();
            }
            return null;
        }

        @Override
        public void done() {
        }
    }
}
