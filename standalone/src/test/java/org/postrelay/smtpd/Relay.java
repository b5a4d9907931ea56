package org.postrelay.smtpd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.postrelay.master.Master;
import org.postrelay.queue.QueueName;

/**
 * A real engine (its own spool and mail log under a temporary directory, relaying to a
 * {@link Sink}) with smtpd in front of it on 127.0.0.1 and a free port.
 */
final class Relay implements AutoCloseable {

    static final String MYHOSTNAME = "relay.example.com";

    private final Path directory;
    private final Master master;
    private final Smtpd smtpd;

    private Relay(Path directory, Master master, Smtpd smtpd) {
        this.directory = directory;
        this.master = master;
        this.smtpd = smtpd;
    }

    /** Starts engine and smtpd; {@code overrides} win over the test defaults (main.cf values). */
    static Relay start(Path directory, Sink sink, Map<String, String> overrides) throws IOException {
        Map<String, String> p = new HashMap<>();
        p.put("relayhost", sink.relayhost());
        p.put("myhostname", MYHOSTNAME);
        p.put("queue_directory", directory.resolve("spool").toString());
        p.put("maillog_file", directory.resolve("maillog").toString());
        p.put("config_directory", directory.toString());
        p.put("inet_interfaces", "127.0.0.1");
        p.put("queue_run_delay", "1s");
        p.put("minimal_backoff_time", "1s");
        p.put("maximal_backoff_time", "2s");
        p.putAll(overrides);
        Master master = Master.start(p);
        try {
            Smtpd smtpd = Smtpd.onPort(master.config(), 0, master.submission(), master.maillog());
            smtpd.start();
            return new Relay(directory, master, smtpd);
        } catch (IOException | RuntimeException e) {
            master.close();
            throw e;
        }
    }

    int port() {
        return smtpd.localAddresses().get(0).getPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    Smtpd smtpd() {
        return smtpd;
    }

    Master master() {
        return master;
    }

    long queued() {
        try {
            long n = 0;
            for (QueueName q : new QueueName[] {QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED,
                    QueueName.HOLD}) {
                n += master.spool().count(q);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String maillog() {
        master.maillog().flush();                        // every line logged so far is in the file
        try {
            Path log = directory.resolve("maillog");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls a condition that has no event to wait on (the mail log, the spool); fails after {@code timeout}. */
    void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "\n--- maillog ---\n" + maillog());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        smtpd.close();
        master.close();
    }
}
