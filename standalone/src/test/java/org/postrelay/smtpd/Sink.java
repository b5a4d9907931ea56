package org.postrelay.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The relayhost of the tests: a real SMTP server (SubEthaSMTP) on 127.0.0.1 and a free port that
 * keeps every message it is given, and lets a test await them.
 */
final class Sink implements AutoCloseable {

    record Message(String from, List<String> to, String content) {
    }

    private final List<Message> messages = new ArrayList<>();       // guarded by itself
    private final SMTPServer server;

    Sink() throws IOException {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("sink.example")
                .insertReceivedHeaders(false)
                .messageHandlerFactory(context -> new Handler())
                .build();
        server.start();
    }

    /** Collects one transaction; the message is kept when its content has arrived. */
    private final class Handler implements MessageHandler {
        private String from;
        private final List<String> to = new ArrayList<>();

        @Override
        public void from(String from) {
            this.from = from;
        }

        @Override
        public void recipient(String recipient) {
            to.add(recipient);
        }

        @Override
        public String data(InputStream data) throws IOException {
            String content = new String(data.readAllBytes(), StandardCharsets.UTF_8);
            synchronized (messages) {
                messages.add(new Message(from, List.copyOf(to), content));
                messages.notifyAll();
            }
            return null;
        }

        @Override
        public void done() {
        }
    }

    /** {@code [127.0.0.1]:PORT}, the relayhost value for the engine. */
    String relayhost() {
        return "[127.0.0.1]:" + server.getPortAllocated();
    }

    List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Waits until at least {@code count} messages arrived; fails after {@code timeout}. */
    List<Message> await(int count, Duration timeout) throws InterruptedException {
        return await(m -> m.size() >= count, timeout, count + " messages");
    }

    List<Message> await(Predicate<List<Message>> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (!condition.test(messages)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the sink did not get " + what + " within " + timeout + "; it has "
                            + messages.size());
                }
                messages.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(messages);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
