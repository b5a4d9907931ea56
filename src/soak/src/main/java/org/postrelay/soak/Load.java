package org.postrelay.soak;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The submitters: SMTP clients that inject through the daemon's smtpd and record each message whose
 * DATA got {@code 250 2.0.0 Ok: queued as ID} (acknowledged, with its queue id), and one thread that
 * runs {@code sendmail} once per message (acknowledged when it exits 0). Each message carries a
 * unique {@code X-Soak-Id}. When the daemon is down they reconnect until it is back.
 */
final class Load implements AutoCloseable {

    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-F]+)");

    private final int smtpdPort;
    private final Daemon daemon;
    private final String run;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    /** soak id -> queue id ("sendmail" for sendmail's, whose queue id pickup gives later). */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicInteger inData = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong broken = new AtomicLong();
    private final AtomicLong sendmailFailed = new AtomicLong();
    private final long pauseNanos;
    private volatile boolean running = true;

    /**
     * @param rate messages per second over all SMTP clients (paced, so that the daemon can deliver
     *             between kills and the backlog stays bounded); sendmail adds up to 10 per second
     */
    Load(Daemon daemon, String run, int smtpThreads, int rate, boolean sendmail) {
        this.daemon = daemon;
        this.pauseNanos = TimeUnit.SECONDS.toNanos(1) * smtpThreads / Math.max(1, rate);
        this.smtpdPort = daemon.smtpdPort();
        this.run = run;
        for (int i = 0; i < smtpThreads; i++) {
            threads.add(new Thread(this::smtpClient, "load-smtp-" + i));
        }
        if (sendmail) {
            threads.add(new Thread(this::sendmailClient, "load-sendmail"));
        }
        threads.forEach(Thread::start);
    }

    Map<String, String> acknowledged() {
        return acknowledged;
    }

    /** Submissions between the DATA command and its reply: accepting in flight. */
    int inData() {
        return inData.get();
    }

    /** 4xx/5xx replies to DATA (e.g. 421 while the daemon stops). */
    long refused() {
        return refused.get();
    }

    /** Sessions that broke (reset, refused connection) mid-submission: not acknowledged. */
    long broken() {
        return broken.get();
    }

    long sendmailFailed() {
        return sendmailFailed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    private String nextId() {
        return run + "-" + seq.incrementAndGet();
    }

    private static String message(String id) {
        return "From: soak@example.com\r\nTo: sink@example.org\r\nSubject: soak " + id + "\r\nX-Soak-Id: " + id
                + "\r\n\r\n" + "soak message " + id + "\r\n" + "x".repeat(600) + "\r\n";
    }

    private void smtpClient() {
        while (running) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), smtpdPort), 2000);
                s.setSoTimeout(60_000);
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                expect(in, "220");
                send(out, "EHLO load.example.com");
                expect(in, "250");
                long next = System.nanoTime();
                while (running) {
                    next += pauseNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } else if (wait < -pauseNanos * 10) {
                        next = System.nanoTime();    // far behind (the daemon was down): no burst
                    }
                    send(out, "MAIL FROM:<soak@example.com>");
                    expect(in, "250");
                    send(out, "RCPT TO:<sink@example.org>");
                    expect(in, "250");
                    send(out, "DATA");
                    expect(in, "354");
                    String id = nextId();
                    inData.incrementAndGet();
                    String reply;
                    try {
                        out.write((message(id) + ".\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        reply = readReply(in);
                    } finally {
                        inData.decrementAndGet();
                    }
                    Matcher m = QUEUED.matcher(reply);
                    if (m.lookingAt()) {
                        acknowledged.put(id, m.group(1));
                    } else {
                        refused.incrementAndGet();
                        if (reply.startsWith("421")) {
                            break;
                        }
                    }
                }
            } catch (IOException e) {
                broken.incrementAndGet();
                pause(50);                            // the daemon is down (killed, restarting)
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sendmailClient() {
        String sendmail = daemon.bin().resolve("sendmail").toString();
        while (running) {
            String id = nextId() + "-sm";
            try {
                Process p = new ProcessBuilder(sendmail, "-C", daemon.config().toString(), "-f", "soak@example.com",
                        "sink@example.org").redirectErrorStream(true).start();
                try (OutputStream stdin = p.getOutputStream()) {
                    stdin.write(message(id).replace("\r\n", "\n").getBytes(StandardCharsets.US_ASCII));
                }
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    acknowledged.put(id, "sendmail");
                } else {
                    sendmailFailed.incrementAndGet();
                }
                pause(100);
            } catch (IOException e) {
                sendmailFailed.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(OutputStream out, String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void expect(InputStream in, String code) throws IOException {
        String reply = readReply(in);
        if (!reply.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + reply);
        }
    }

    /** A whole reply (continuation lines skipped); its last line. */
    private static String readReply(InputStream in) throws IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b == -1) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            if (line.length() < 4 || line.charAt(3) != '-') {
                return line.toString();
            }
        }
    }
}
