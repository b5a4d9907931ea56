package org.postrelay.soak;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relayhost of the soak: a small SMTP server on loopback that counts each message by its
 * {@code X-Soak-Id} header at the moment it answers 250 (a message it never answered is not
 * received), and can be killed (every connection reset) and restarted on the same port, or made to
 * stall mid-DATA (it stops reading and never answers, so the client's timeout must defer).
 */
final class Sink implements AutoCloseable {

    private final int port;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inData = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong stalled = new AtomicLong();
    private final AtomicLong lastAcceptNanos = new AtomicLong();
    private volatile ServerSocket server;
    private volatile boolean stalling;

    private Sink(int port) {
        this.port = port;
    }

    static Sink start(int port) throws IOException {
        Sink sink = new Sink(port);
        sink.listen();
        return sink;
    }

    int port() {
        return port;
    }

    /** Listens again (after {@link #kill()}). */
    synchronized void listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        server = s;
        Thread acceptor = new Thread(() -> accept(s), "sink-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** As if the relay's process died: the listener closes and every connection is reset. */
    synchronized void kill() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Socket c : connections) {
            reset(c);
        }
    }

    /** While on, each DATA is read only in part and never answered (a stalled relay). */
    void stalling(boolean on) {
        stalling = on;
    }

    /** Times each soak id was answered 250. */
    Map<String, Integer> counts() {
        return counts;
    }

    long received() {
        return received.get();
    }

    long stalled() {
        return stalled.get();
    }

    /** Transactions between the end of DATA and the 250 (or a stall): deliveries in flight. */
    int inData() {
        return inData.get();
    }

    long lastAcceptNanos() {
        return lastAcceptNanos.get();
    }

    @Override
    public void close() {
        kill();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                connections.add(c);
                Thread t = new Thread(() -> serve(c), "sink-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket c) {
        try (c) {
            c.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(c.getInputStream());
            OutputStream out = c.getOutputStream();
            reply(out, "220 sink.example.org ESMTP soak sink");
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO" -> reply(out, "250-sink.example.org\r\n250-PIPELINING\r\n250 8BITMIME");
                    case "HELO" -> reply(out, "250 sink.example.org");
                    case "MAIL" -> reply(out, "250 2.1.0 Ok");
                    case "RCPT" -> reply(out, "250 2.1.5 Ok");
                    case "RSET", "NOOP" -> reply(out, "250 2.0.0 Ok");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        if (stalling) {
                            stall(in);
                            return;
                        }
                        inData.incrementAndGet();
                        try {
                            String id = readMessage(in);
                            if (id == null) {
                                return;
                            }
                            counts.merge(id, 1, Integer::sum);   // counted as the 250 leaves: it was received
                            received.incrementAndGet();
                            lastAcceptNanos.set(System.nanoTime());
                            reply(out, "250 2.0.0 Ok: queued as SINK");
                        } finally {
                            inData.decrementAndGet();
                        }
                    }
                    default -> reply(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // reset by kill(), or the client went away: nothing was answered
        } finally {
            connections.remove(c);
        }
    }

    /**
     * Reads a few bytes of the message, then nothing more and never answers, until the stall window
     * ends (the client times out meanwhile); then the connection closes unanswered, as a relay that
     * died mid-DATA.
     */
    private void stall(InputStream in) throws IOException {
        stalled.incrementAndGet();
        in.read(new byte[64]);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (stalling && server != null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The message up to the final dot; returns its X-Soak-Id (null: the connection ended first). */
    private static String readMessage(InputStream in) throws IOException {
        String id = "";
        boolean inHeader = true;
        while (true) {
            String line = readLine(in);
            if (line == null) {
                return null;
            }
            if (line.equals(".")) {
                return id;
            }
            if (inHeader) {
                if (line.isEmpty()) {
                    inHeader = false;
                } else if (line.regionMatches(true, 0, "X-Soak-Id: ", 0, 11)) {
                    id = line.substring(11).trim();
                }
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            line.append((char) b);
        }
        return null;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void reset(Socket c) {
        try {
            c.setSoLinger(true, 0);         // RST, as the kernel does for a dead process's sockets
        } catch (SocketException ignored) {
            // closing anyway
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // gone
        }
    }
}
