package org.postrelay.testing;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.postrelay.api.RelayConnection;
import org.postrelay.api.RelayException;
import org.postrelay.master.Master;

/**
 * The child JVM of {@code CrashIT}: an engine under load until it is killed. It submits small
 * messages with a unique {@code X-Seq} header from {@value #THREADS} threads and prints
 * {@code ACK <queue id> <seq>} on stdout after each {@code send()} returned (the message is durable).
 *
 * <p>Arguments: {@code <queue_directory> <relayhost> <maillog_file> <first seq> [name=value ...]}.
 * Prints {@code READY} once the engine runs. Failed submissions go to stderr as {@code ERR <seq> ...}.
 */
public final class CrashChild {

    public static final int THREADS = 8;
    /** Never outlive a parent that forgot us. */
    private static final long MAX_LIFETIME_MILLIS = 120_000;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: CrashChild queue_directory relayhost maillog_file first-seq [name=value ...]");
            System.exit(2);
        }
        Map<String, String> parameters = new HashMap<>();
        parameters.put("queue_directory", args[0]);
        parameters.put("relayhost", args[1]);
        parameters.put("maillog_file", args[2]);
        AtomicLong seq = new AtomicLong(Long.parseLong(args[3]));
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            parameters.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        PrintStream out = System.out;
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(MAX_LIFETIME_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("CrashChild: not killed within " + MAX_LIFETIME_MILLIS + " ms, exiting");
            Runtime.getRuntime().halt(3);
        }, "crash-child-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Master master = Master.start(parameters);
        print(out, "READY");
        for (int t = 0; t < THREADS; t++) {
            new Thread(() -> load(master, seq, out), "crash-child-sender-" + t).start();
        }
    }

    private static void load(Master master, AtomicLong seq, PrintStream out) {
        try (RelayConnection connection = master.connectionFactory().getConnection()) {
            while (true) {
                long n = seq.getAndIncrement();
                String message = "From: app@example.com\r\nTo: crash@example.org\r\nSubject: crash " + n
                        + "\r\nX-Seq: " + n + "\r\n\r\nmessage " + n + "\r\n";
                try {
                    String id = connection.send("app@example.com", List.of("crash@example.org"),
                            new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));
                    print(out, "ACK " + id + " " + n);
                } catch (RelayException | RuntimeException e) {
                    System.err.println("ERR " + n + " " + e);
                }
            }
        } catch (RelayException e) {
            System.err.println("ERR connection " + e);
        }
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
            if (out.checkError()) {
                Runtime.getRuntime().halt(4);            // the parent is gone: stop loading its spool
            }
        }
    }
}
