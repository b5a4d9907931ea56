package org.postrelay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Postfix's smtp-sink on a loopback port, counting: {@code -c} prints {@code sess=N quit=N mesg=N}
 * each time a message's final "." arrives, and a reader thread keeps the latest {@code mesg}.
 */
final class SmtpSink implements AutoCloseable {

    private final Process process;
    private final int port;
    private final AtomicLong messages = new AtomicLong();
    private final Object counted = new Object();

    private SmtpSink(Process process, int port) {
        this.process = process;
        this.port = port;
        Thread reader = new Thread(this::readCounters, "smtp-sink-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a sink on 127.0.0.1:port (0: a free port) and returns once it accepts connections. */
    static SmtpSink start(int port) throws IOException, InterruptedException {
        int p = port == 0 ? freePort() : port;
        List<String> command = new ArrayList<>(List.of("smtp-sink"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody"));     // required as root: it drops privileges
        }
        command.addAll(List.of("-c", "127.0.0.1:" + p, "1024"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        SmtpSink sink = new SmtpSink(process, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", p), 200);
                return sink;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    sink.close();
                    throw new IOException("smtp-sink did not listen on 127.0.0.1:" + p, notYet);
                }
                Thread.sleep(20);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** Messages whose final "." the sink has received since it started. */
    long count() {
        return messages.get();
    }

    /** Waits until the sink has counted {@code target} messages; returns the nanoTime it saw it. */
    long awaitCount(long target, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (counted) {
            while (messages.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("smtp-sink counted " + messages.get() + " of " + target
                            + " messages in " + timeout.toSeconds() + " s");
                }
                counted.wait(Math.max(1, left / 1_000_000));
            }
        }
        return System.nanoTime();
    }

    private void readCounters() {
        try (InputStream in = process.getInputStream();
             Reader r = new InputStreamReader(in, StandardCharsets.US_ASCII)) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = r.read()) != -1) {
                if (c == '\r' || c == '\n') {
                    parse(line);
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
        } catch (IOException ignored) {
            // the sink stopped
        }
    }

    private void parse(CharSequence line) {
        String s = line.toString();
        int at = s.indexOf("mesg=");
        if (at < 0) {
            return;
        }
        int end = at + 5;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        if (end > at + 5) {
            long n = Long.parseLong(s.substring(at + 5, end));
            synchronized (counted) {
                if (n > messages.get()) {
                    messages.set(n);
                    counted.notifyAll();
                }
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
