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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An SMTP server on loopback that answers like a remote provider behind a network: each reply leaves
 * {@code delay} after its command arrived (the greeting {@code delay} after the connection), as if the
 * round trip took that long. Commands that arrive together, as a pipelining client sends MAIL FROM,
 * RCPT TO and DATA, are answered together after one delay; a client that waits for each reply pays
 * one delay per command. The EHLO reply offers PIPELINING; QUIT is answered at once (as before this
 * model, so that Transport.send, which waits for that reply, is not made slower by it). Every message
 * is accepted and counted when its final 250 goes out. Per connection one thread reads the commands
 * and one writes the replies when they are due; plain sockets.
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

    /** A reply and when it is due; {@code last} closes the connection once written. */
    private record Reply(long dueNanos, String text, boolean countsMessage, boolean last) {
    }

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
                long arrived = System.nanoTime();
                connections.incrementAndGet();
                BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
                replies.add(new Reply(arrived + delayNanos, "220 slow.example.net ESMTP", false, false));
                sessions.execute(() -> writeReplies(s, replies));
                sessions.execute(() -> readCommands(s, replies));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("slow peer: accept failed: " + e);
                }
                return;
            }
        }
    }

    /** Reads commands (and message content) as they come; each command's reply is due a delay later. */
    private void readCommands(Socket socket, BlockingQueue<Reply> replies) {
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line;
            while ((line = readLine(in)) != null) {
                long due = System.nanoTime() + delayNanos;
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO" -> replies.add(new Reply(due, "250-slow.example.net\r\n250-PIPELINING\r\n"
                            + "250-SIZE 10240000\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES", false, false));
                    case "HELO" -> replies.add(new Reply(due, "250 slow.example.net", false, false));
                    case "MAIL" -> replies.add(new Reply(due, "250 2.1.0 Ok", false, false));
                    case "RCPT" -> replies.add(new Reply(due, "250 2.1.5 Ok", false, false));
                    case "RSET", "NOOP" -> replies.add(new Reply(due, "250 2.0.0 Ok", false, false));
                    case "DATA" -> {
                        replies.add(new Reply(due, "354 End data with <CR><LF>.<CR><LF>", false, false));
                        String data;
                        while ((data = readLine(in)) != null && !data.equals(".")) {
                            // discard the content
                        }
                        if (data == null) {
                            return;
                        }
                        replies.add(new Reply(System.nanoTime() + delayNanos, "250 2.0.0 Ok: queued", true, false));
                    }
                    case "QUIT" -> {
                        replies.add(new Reply(0, "221 2.0.0 Bye", false, true));
                        return;
                    }
                    default -> replies.add(new Reply(due, "502 5.5.2 Error: command not recognized", false, false));
                }
            }
            replies.add(new Reply(0, null, false, true));      // the client went away
        } catch (IOException e) {
            replies.add(new Reply(0, null, false, true));
        }
    }

    /** Writes each reply when it is due; replies due together go out in one write. */
    private void writeReplies(Socket socket, BlockingQueue<Reply> replies) {
        try (socket; OutputStream out = new BufferedOutputStream(socket.getOutputStream())) {
            while (true) {
                Reply r = replies.take();
                for (long left = r.dueNanos() - System.nanoTime(); left > 0; left = r.dueNanos() - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                if (r.text() != null) {
                    out.write((r.text() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                if (r.countsMessage()) {
                    out.flush();
                    delivered.incrementAndGet();
                }
                if (r.last()) {
                    out.flush();
                    return;
                }
                Reply next = replies.peek();
                if (next == null || next.dueNanos() > System.nanoTime()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
