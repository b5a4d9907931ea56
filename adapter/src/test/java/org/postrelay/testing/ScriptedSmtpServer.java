package org.postrelay.testing;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * A real SMTP server (SubEthaSMTP) on 127.0.0.1, port 0, whose replies each test scripts: per
 * recipient, to MAIL FROM, after DATA; it can refuse connections with a 421 greeting, stall its final
 * reply, drop idle connections, or offer PIPELINING (SubEthaSMTP reads pipelined commands but does
 * not say so). It records what arrives byte for byte and what the clients said.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** The greeting of a server that does not want to talk now. */
    public static final String FAIL_GREETING = "4.3.2 Service currently unavailable, closing transmission channel";

    /** SubEthaSMTP logs every start and stop at INFO; held here, as java.util.logging keeps loggers weakly. */
    private static final java.util.logging.Logger SUBETHA = java.util.logging.Logger.getLogger("org.subethamail");

    static {
        SUBETHA.setLevel(java.util.logging.Level.WARNING);
    }

    private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rcptAttempts = new ConcurrentHashMap<>();
    private volatile String mailFromReply;
    private volatile String dataReply;
    private volatile boolean failConnections;
    private volatile Duration stall = Duration.ZERO;
    private volatile boolean pipelining;
    private final List<List<String>> sentBeforeMailReply = new ArrayList<>();   // guarded by itself
    private final Map<java.net.SocketAddress, Transcript> transcriptOf = new ConcurrentHashMap<>();

    private final List<ReceivedMessage> received = new ArrayList<>();        // guarded by itself
    private final List<Transcript> transcripts = new ArrayList<>();           // guarded by itself
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger queueIds = new AtomicInteger(0x1000);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final SMTPServer server;

    private ScriptedSmtpServer() {
        this.server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("scripted.example.net")
                .softwareName("ScriptedSmtpServer")
                .insertReceivedHeaders(false)           // the data must arrive byte for byte as sent
                .messageHandlerFactory(this::newTransaction)
                .sessionHandler(new Greeter())
                .serverSocketFactory(RecordingServerSocket::new)
                .serverThreadName("scripted-smtp-server")
                .build();
    }

    /** Starts a server accepting everything; it listens when this returns. */
    public static ScriptedSmtpServer start() {
        ScriptedSmtpServer s = new ScriptedSmtpServer();
        s.server.start();
        return s;
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** The server in relayhost syntax, without MX look-up: {@code [127.0.0.1]:port}. */
    public String relayhost() {
        return "[127.0.0.1]:" + port();
    }

    /** Scripts the reply to {@code RCPT TO:<address>}, e.g. "450 4.2.0 Mailbox busy"; the default is 250. */
    public ScriptedSmtpServer onRcpt(String address, String reply) {
        if (reply == null) {
            rcptReplies.remove(key(address));
        } else {
            rcptReplies.put(key(address), checkReply(reply));
        }
        return this;
    }

    /** Scripts the reply to every MAIL FROM; null accepts. */
    public ScriptedSmtpServer onMailFrom(String reply) {
        this.mailFromReply = reply == null ? null : checkReply(reply);
        return this;
    }

    /** Scripts the reply after the end of data; null accepts with "250 2.0.0 Ok: queued as ...". */
    public ScriptedSmtpServer onData(String reply) {
        this.dataReply = reply == null ? null : checkReply(reply);
        return this;
    }

    /** While on, every new connection is greeted with "421 4.3.2 ..." and dropped. */
    public ScriptedSmtpServer failConnections(boolean on) {
        this.failConnections = on;
        return this;
    }

    /** Holds the reply to the end of data this long (zero: reply at once); the message is recorded first. */
    public ScriptedSmtpServer stallAfterData(Duration d) {
        this.stall = d == null ? Duration.ZERO : d;
        return this;
    }

    /** Whether the EHLO reply offers PIPELINING (off at start). */
    public ScriptedSmtpServer offerPipelining(boolean on) {
        this.pipelining = on;
        return this;
    }

    /**
     * Per MAIL FROM, in order: the command lines its client had sent when the server decided its reply,
     * e.g. [..., "MAIL FROM:&lt;a@example.com&gt;", "RCPT TO:&lt;b@example.org&gt;", "DATA"] from a pipelining client
     * (which sends them in one go), or [..., "MAIL FROM:&lt;a@example.com&gt;"] from one that waits for each reply.
     */
    public List<List<String>> sentBeforeMailReply() {
        synchronized (sentBeforeMailReply) {
            return List.copyOf(sentBeforeMailReply);
        }
    }

    /** Back to accepting everything at once; what was recorded so far is kept. */
    public void reset() {
        rcptReplies.clear();
        mailFromReply = null;
        dataReply = null;
        failConnections = false;
        stall = Duration.ZERO;
        pipelining = false;
    }

    /** The messages accepted so far, in arrival order. */
    public List<ReceivedMessage> messages() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until at least {@code count} messages were accepted and returns them all; AssertionError on timeout. */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + count
                            + " message(s) at " + relayhost() + "; received " + received.size() + ": " + received);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(received, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + count + " message(s)", e);
                }
            }
            return List.copyOf(received);
        }
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** How many RCPT TO commands named this address so far, whatever the reply. */
    public int rcptAttempts(String address) {
        AtomicInteger n = rcptAttempts.get(key(address));
        return n == null ? 0 : n.get();
    }

    /**
     * The command lines the clients sent (message content left out), connection after connection in
     * the order they were accepted, e.g. "EHLO relay.example.com", "MAIL FROM:&lt;&gt;", "QUIT".
     */
    public List<String> commands() {
        List<Transcript> all;
        synchronized (transcripts) {
            all = List.copyOf(transcripts);
        }
        List<String> commands = new ArrayList<>();
        for (Transcript t : all) {
            commands.addAll(t.commands());
        }
        return commands;
    }

    /** What one client sent, byte for byte, and the codes of the replies it got, in order. */
    private static final class Transcript {
        private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        private final List<Integer> replies = new ArrayList<>();

        synchronized void received(byte[] bytes, int offset, int length) {
            sent.write(bytes, offset, length);
        }

        synchronized void replied(int code) {
            replies.add(code);
        }

        /**
         * The command lines, message content left out: what follows a DATA that got 354 up to the
         * ".". Replies answer the greeting, then each command (and each "."), in order; a pipelined
         * DATA that was refused, or not answered yet, is followed by commands.
         */
        synchronized List<String> commands() {
            List<String> commands = new ArrayList<>();
            int reply = 1;                                    // the first one is the greeting
            boolean inData = false;
            for (String line : sent.toString(StandardCharsets.UTF_8).split("\r\n", -1)) {
                if (inData) {
                    if (line.equals(".")) {
                        inData = false;
                        reply++;
                    }
                } else if (!line.isEmpty()) {
                    commands.add(line);
                    int code = reply < replies.size() ? replies.get(reply) : 0;
                    reply++;
                    inData = line.equalsIgnoreCase("DATA") && code == 354;
                }
            }
            return commands;
        }
    }

    /** Closes every open client connection without a word, as a server's idle timer or restart would. */
    public void dropConnections() {
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    @Override
    public void close() {
        closing.countDown();                       // releases stalled replies
        dropConnections();                         // SMTPServer.stop() waits for every session to end
        server.stop();
    }

    private static String key(String address) {
        return address.toLowerCase(Locale.ROOT);
    }

    private static String checkReply(String reply) {
        if (!reply.matches("[2-5]\\d\\d( .*)?")) {
            throw new IllegalArgumentException("not an SMTP reply \"NNN text\": \"" + reply + "\"");
        }
        return reply;
    }

    /** Throws the scripted rejection, if the reply is not a 2xx. */
    private static void answer(String reply) throws RejectException {
        if (reply != null && reply.charAt(0) != '2') {
            throw new RejectException(Integer.parseInt(reply.substring(0, 3)), text(reply));
        }
    }

    private static String text(String reply) {
        return reply.length() > 4 ? reply.substring(4) : "";
    }

    private MessageHandler newTransaction(MessageContext context) {
        return new Transaction(context);
    }

    /** One mail transaction: MAIL FROM, RCPT TO..., DATA, scripted as the server stands at each step. */
    private final class Transaction implements MessageHandler {
        private final MessageContext context;
        private String sender;
        private final List<String> recipients = new ArrayList<>();

        Transaction(MessageContext context) {
            this.context = context;
        }

        @Override
        public void from(String address) throws RejectException {
            List<String> sent = transcriptOf.get(context.getRemoteAddress()).commands();
            synchronized (sentBeforeMailReply) {
                sentBeforeMailReply.add(sent);
            }
            answer(mailFromReply);
            this.sender = address;
        }

        @Override
        public void recipient(String address) throws RejectException {
            rcptAttempts.computeIfAbsent(key(address), k -> new AtomicInteger()).incrementAndGet();
            answer(rcptReplies.get(key(address)));
            recipients.add(address);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            byte[] bytes = data.readAllBytes();
            String reply = dataReply;
            answer(reply);
            synchronized (received) {
                received.add(new ReceivedMessage(sender, List.copyOf(recipients), bytes));
                received.notifyAll();
            }
            Duration hold = stall;
            if (!hold.isZero()) {
                try {
                    closing.await(hold.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // SubEthaSMTP puts "250 " in front of what data() returns
            return reply != null ? text(reply) : "2.0.0 Ok: queued as " + Integer.toHexString(queueIds.incrementAndGet())
                    .toUpperCase(Locale.ROOT);
        }

        @Override
        public void done() {
        }
    }

    /** Greets with 421 and hangs up while connections are to fail. */
    private final class Greeter implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            return failConnections ? SessionAcceptance.failure(421, FAIL_GREETING) : SessionAcceptance.success();
        }

        @Override
        public void onSessionEnd(Session session) {
        }
    }

    /** Counts accepted connections and hands out sockets that record what the client sends. */
    private final class RecordingServerSocket extends ServerSocket {
        RecordingServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            RecordingSocket s = new RecordingSocket();
            implAccept(s);
            connections.incrementAndGet();
            open.add(s);
            return s;
        }
    }

    /** A client connection whose input is copied to a transcript. */
    private final class RecordingSocket extends Socket {
        private final Transcript transcript = new Transcript();
        private InputStream input;
        private OutputStream output;

        RecordingSocket() {
            synchronized (transcripts) {
                transcripts.add(transcript);
            }
        }

        /** Known once connected: implAccept has run by the time SubEthaSMTP asks for the streams. */
        private void register() {
            transcriptOf.putIfAbsent(getRemoteSocketAddress(), transcript);
        }

        /** The server's replies, with "250-PIPELINING" after the EHLO reply's "250-8BITMIME" line when offered. */
        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            register();
            if (output == null) {
                output = new FilterOutputStream(super.getOutputStream()) {
                    private final StringBuilder line = new StringBuilder();

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] buffer, int offset, int length) throws IOException {
                        ByteArrayOutputStream replies = new ByteArrayOutputStream(length + 20);
                        for (int i = offset; i < offset + length; i++) {
                            replies.write(buffer[i]);
                            if (buffer[i] != '\n') {
                                line.append((char) (buffer[i] & 0xff));
                                continue;
                            }
                            if (pipelining && line.toString().equals("250-8BITMIME\r")) {
                                replies.writeBytes("250-PIPELINING\r\n".getBytes(StandardCharsets.US_ASCII));
                            }
                            if (line.length() >= 3 && (line.length() == 3 || line.charAt(3) != '-')
                                    && line.substring(0, 3).matches("\\d{3}")) {
                                transcript.replied(Integer.parseInt(line.substring(0, 3)));  // a reply's last line
                            }
                            line.setLength(0);
                        }
                        out.write(replies.toByteArray());
                    }
                };
            }
            return output;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            register();
            if (input == null) {
                input = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            transcript.received(new byte[] {(byte) b}, 0, 1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = super.read(buffer, offset, length);
                        if (n > 0) {
                            transcript.received(buffer, offset, n);
                        }
                        return n;
                    }
                };
            }
            return input;
        }

        @Override
        public synchronized void close() throws IOException {
            open.remove(this);
            super.close();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone: that is what we wanted
        }
    }

    /** A message as it arrived: envelope and the data bytes exactly (dot-unstuffed, no header added). */
    public record ReceivedMessage(String sender, List<String> recipients, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "ReceivedMessage[from=<" + sender + ">, to=" + recipients + ", " + data.length + " bytes]";
        }
    }
}
