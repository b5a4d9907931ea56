package org.postrelay.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An SMTP server on loopback that answers like a remote provider: it waits {@code delay} before
 * every reply (greeting, EHLO, MAIL, RCPT, DATA, end of data, RSET, NOOP) except QUIT's, accepts
 * every message and counts it. One thread per connection; plain sockets, no pipelining offered.
 */
final class SlowSmtpPeer implements AutoCloseable {

    private final ServerSocket server;
    private final long delayNanos;
    private final ExecutorService sessions = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-peer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;

    SlowSmtpPeer(Duration delay) throws IOException {
        this.delayNanos = delay.toNanos();
        this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "slow-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    long delivered() {
        return delivered.get();
    }

    long connections() {
        return connections.get();
    }

    /** Waits until {@code target} messages have been accepted; returns the nanoTime it saw it. */
    long awaitDelivered(long target, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (delivered.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the slow peer accepted " + delivered.get() + " of " + target + " messages");
            }
            Thread.sleep(1);
        }
        return System.nanoTime();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                sessions.execute(() -> session(s));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("slow peer: accept failed: " + e);
                }
                return;
            }
        }
    }

    private void session(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
             OutputStream out = new BufferedOutputStream(socket.getOutputStream())) {
            reply(out, "220 slow.example.net ESMTP");
            String line;
            while ((line = readLine(in)) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO" -> reply(out, "250-slow.example.net\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n"
                            + "250 ENHANCEDSTATUSCODES");
                    case "HELO" -> reply(out, "250 slow.example.net");
                    case "MAIL" -> reply(out, "250 2.1.0 Ok");
                    case "RCPT" -> reply(out, "250 2.1.5 Ok");
                    case "RSET", "NOOP" -> reply(out, "250 2.0.0 Ok");
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        String data;
                        while ((data = readLine(in)) != null && !data.equals(".")) {
                            // discard the content
                        }
                        if (data == null) {
                            return;
                        }
                        delivered.incrementAndGet();
                        reply(out, "250 2.0.0 Ok: queued");
                    }
                    case "QUIT" -> {
                        out.write("221 2.0.0 Bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return;
                    }
                    default -> reply(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void reply(OutputStream out, String text) throws IOException {
        long until = System.nanoTime() + delayNanos;
        for (long left = delayNanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A line without its CRLF, or null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = b.size();
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, n > 0 && bytes[n - 1] == '\r' ? n - 1 : n, StandardCharsets.US_ASCII);
            }
            b.write(c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        sessions.shutdownNow();
    }
}
