package org.postrelay.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written SMTP server on 127.0.0.1 (port 0) for the faults a well-behaved library server
 * cannot show: a reply and a hang-up at any step (421 mid-session), a DATA command refused, a
 * connection dropped after the message but before the reply to its end, a server that stops reading
 * in the middle of the body. Faults apply to mail transactions with a non-null sender only, so that
 * the bounce a fault causes (MAIL FROM:&lt;&gt;) still gets through; the greeting fault applies to the
 * first connection only, for the same reason. Messages accepted are recorded.
 */
public final class FaultySmtpServer implements AutoCloseable {

    /** Where in the conversation a fault strikes. */
    public enum Step { GREETING, MAIL, RCPT, DATA, END_OF_DATA }

    /**
     * What the server does at a step: answer {@code reply} (null: no reply), then hang up if
     * {@code hangUp}; {@code stopReading} (DATA only): answer 354, then read nothing more.
     */
    public record Fault(String reply, boolean hangUp, boolean stopReading) {
        public static Fault reply(String reply) {
            return new Fault(reply, false, false);
        }

        public static Fault replyThenHangUp(String reply) {
            return new Fault(reply, true, false);
        }

        public static Fault silentHangUp() {
            return new Fault(null, true, false);
        }

        public static Fault readNothing() {
            return new Fault("354 End data with <CR><LF>.<CR><LF>", false, true);
        }
    }

    /** A message as it arrived (dot-unstuffed). */
    public record Received(String sender, List<String> recipients, String text) {
    }

    private final ServerSocket listener;
    private final Map<Step, Fault> faults = new EnumMap<>(Step.class);
    private final List<Received> received = new ArrayList<>();          // guarded by itself
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread acceptor;

    private FaultySmtpServer(Map<Step, Fault> faults) throws IOException {
        this.faults.putAll(faults);
        this.listener = new ServerSocket();
        // small buffers: a server that stops reading makes the client's writes block soon
        listener.setReceiveBufferSize(4096);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::acceptLoop, "faulty-smtp-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server with these faults; it listens when this returns. */
    public static FaultySmtpServer start(Map<Step, Fault> faults) throws IOException {
        return new FaultySmtpServer(faults);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The server in relayhost syntax, without MX look-up. */
    public String relayhost() {
        return "[127.0.0.1]:" + port();
    }

    public int connections() {
        return connections.get();
    }

    public List<Received> messages() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Messages from this sender ("" for bounces) accepted so far. */
    public List<Received> messagesFrom(String sender) {
        return messages().stream().filter(m -> m.sender().equals(sender)).toList();
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                int n = connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> converse(s, n == 1), "faulty-smtp-session-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;                                  // closed
            }
        }
    }

    private void converse(Socket socket, boolean first) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            Fault greeting = first ? faults.get(Step.GREETING) : null;
            if (greeting != null) {
                if (apply(greeting, out)) {
                    return;
                }
            } else {
                say(out, "220 faulty.example.net ESMTP");
            }
            String sender = null;
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                boolean faulty = sender != null && !sender.isEmpty();
                switch (verb) {
                    case "EHLO" -> say(out, "250-faulty.example.net\r\n250-8BITMIME\r\n250 SIZE 52428800");
                    case "HELO", "NOOP" -> say(out, "250 2.0.0 Ok");
                    case "RSET" -> {
                        sender = null;
                        recipients.clear();
                        say(out, "250 2.0.0 Ok");
                    }
                    case "QUIT" -> {
                        say(out, "221 2.0.0 Bye");
                        return;
                    }
                    case "MAIL" -> {
                        sender = between(line, '<', '>');
                        Fault f = sender.isEmpty() ? null : faults.get(Step.MAIL);
                        if (f != null) {
                            sender = null;
                            if (apply(f, out)) {
                                return;
                            }
                        } else {
                            say(out, "250 2.1.0 Ok");
                        }
                    }
                    case "RCPT" -> {
                        Fault f = faulty ? faults.get(Step.RCPT) : null;
                        if (f != null) {
                            if (apply(f, out)) {
                                return;
                            }
                        } else {
                            recipients.add(between(line, '<', '>'));
                            say(out, "250 2.1.5 Ok");
                        }
                    }
                    case "DATA" -> {
                        Fault f = faulty ? faults.get(Step.DATA) : null;
                        if (f != null && f.stopReading()) {
                            say(out, f.reply());
                            closing.await();                 // read nothing until the client or the test gives up
                            return;
                        }
                        if (f != null) {
                            if (apply(f, out)) {
                                return;
                            }
                            continue;
                        }
                        say(out, "354 End data with <CR><LF>.<CR><LF>");
                        String text = readData(in);
                        if (text == null) {
                            return;
                        }
                        Fault end = faulty ? faults.get(Step.END_OF_DATA) : null;
                        if (end != null) {
                            if (apply(end, out)) {
                                return;
                            }
                        } else {
                            synchronized (received) {
                                received.add(new Received(sender, List.copyOf(recipients), text));
                            }
                            say(out, "250 2.0.0 Ok: queued as F" + connections.get());
                        }
                        sender = null;
                        recipients.clear();
                    }
                    default -> say(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    /** Answers as the fault says; true when the connection is to end. */
    private static boolean apply(Fault f, OutputStream out) throws IOException {
        if (f.reply() != null) {
            say(out, f.reply());
        }
        return f.hangUp();
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String between(String line, char open, char close) {
        int a = line.indexOf(open);
        int b = line.lastIndexOf(close);
        return a >= 0 && b > a ? line.substring(a + 1, b) : "";
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return null;
    }

    /** The message up to the lone dot, dot-unstuffed; null if the connection ended first. */
    private static String readData(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        String line;
        while ((line = readLine(in)) != null) {
            if (line.equals(".")) {
                return text.toString();
            }
            text.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        return null;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
