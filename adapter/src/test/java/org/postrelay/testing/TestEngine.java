package org.postrelay.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.postrelay.api.RelayException;
import org.postrelay.config.Config;
import org.postrelay.master.Master;
import org.postrelay.queue.QueueName;
import org.postrelay.smtp.DnsResolver;

/**
 * An engine for tests: its own spool and mail log under a temporary directory, relaying to a
 * {@link ScriptedSmtpServer}, with Postfix's timers shortened to seconds.
 */
public final class TestEngine implements AutoCloseable {

    private final Path directory;
    private final Map<String, String> parameters;
    private final DnsResolver dns;
    private Master master;

    private TestEngine(Path directory, Map<String, String> parameters, DnsResolver dns) throws IOException {
        this.directory = directory;
        this.parameters = parameters;
        this.dns = dns;
        this.master = start();
    }

    private Master start() throws IOException {
        return dns == null ? Master.start(parameters) : Master.start(Config.of(parameters), dns);
    }

    /** Starts an engine relaying to {@code relay}; {@code overrides} win over the test defaults. */
    public static TestEngine start(Path directory, ScriptedSmtpServer relay, Map<String, String> overrides)
            throws IOException {
        return start(directory, relay, overrides, null);
    }

    /**
     * As above, the SMTP client looking names up through {@code dns} (a {@link DnsResponder}'s):
     * set relayhost to "" in {@code overrides} to route by MX.
     */
    public static TestEngine start(Path directory, ScriptedSmtpServer relay, Map<String, String> overrides,
                                   DnsResolver dns) throws IOException {
        return start(directory, relay.relayhost(), overrides, dns);
    }

    /** As above, relaying to any server given in relayhost syntax, e.g. a {@link FaultySmtpServer}'s. */
    public static TestEngine start(Path directory, String relayhost, Map<String, String> overrides, DnsResolver dns)
            throws IOException {
        Map<String, String> p = new HashMap<>();
        p.put("relayhost", relayhost);
        p.put("myhostname", "relay-client.example.com");
        p.put("myorigin", "example.com");
        p.put("queue_directory", directory.resolve("spool").toString());
        p.put("maillog_file", directory.resolve("maillog").toString());
        p.put("minimal_backoff_time", "1s");
        p.put("maximal_backoff_time", "2s");
        p.put("queue_run_delay", "1s");
        p.put("smtp_connect_timeout", "5s");
        p.putAll(overrides);
        return new TestEngine(directory, p, dns);
    }

    public Master master() {
        return master;
    }

    /** Stops the engine and starts a new one on the same spool, as after a restart. */
    public void restart() throws IOException {
        master.close();
        master = start();
    }

    public String send(String sender, List<String> recipients, String message) throws RelayException {
        try (var connection = master.connectionFactory().getConnection()) {
            return connection.send(sender, recipients,
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
        }
    }

    public long count(QueueName queue) {
        try {
            return master.spool().count(queue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Messages still queued anywhere but corrupt/. */
    public long queued() {
        return count(QueueName.INCOMING) + count(QueueName.ACTIVE) + count(QueueName.DEFERRED) + count(QueueName.HOLD);
    }

    public String maillog() {
        master.maillog().flush();                        // every line logged so far is in the file
        try {
            Path log = directory.resolve("maillog");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls until the condition holds; fails with {@code what} and the mail log after {@code timeout}. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what
                        + "\n--- maillog ---\n" + maillog());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    @Override
    public void close() {
        master.close();
    }
}
