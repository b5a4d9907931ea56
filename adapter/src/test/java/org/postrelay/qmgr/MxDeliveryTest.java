package org.postrelay.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.queue.QueueName;
import org.postrelay.testing.DnsResponder;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.ScriptedSmtpServer.ReceivedMessage;
import org.postrelay.testing.TestEngine;

/**
 * The whole engine routing by MX (relayhost empty) and through a relayhost list, against a DNS
 * responder and an SMTP server on loopback: what reaches the server, what the mail log says, what
 * bounces.
 */
class MxDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MESSAGE = "Subject: routed\r\n\r\nhello\r\n";

    @TempDir
    Path dir;
    private DnsResponder dns;
    private ScriptedSmtpServer server;

    @BeforeEach
    void start() {
        dns = DnsResponder.start();
        server = ScriptedSmtpServer.start();
        // the sender's domain and the recipients' domains all lead to the one test server
        dns.mx("example.com", 10, "mx.example.com").address("mx.example.com", "127.0.0.1")
                .mx("example.test", 10, "mx1.example.test").mx("example.test", 20, "mx2.example.test")
                .address("mx1.example.test", "127.0.0.2").address("mx2.example.test", "127.0.0.1")
                .mx("nomail.test", 0, ".");
    }

    @AfterEach
    void stop() {
        server.close();
        dns.close();
    }

    private TestEngine engine(Map<String, String> overrides) throws IOException {
        Map<String, String> p = new java.util.HashMap<>(Map.of("relayhost", "", "smtp_tcp_port",
                Integer.toString(server.port()), "inet_protocols", "ipv4"));
        p.putAll(overrides);
        return TestEngine.start(dir, server, p, dns.dns());
    }

    @Test
    void emptyRelayhostShouldDeliverToTheRecipientDomainsMx() throws Exception {
        try (TestEngine engine = engine(Map.of())) {
            String id = engine.send("app@example.com", List.of("a@example.test"), MESSAGE);

            ReceivedMessage m = server.awaitMessages(1, WAIT).get(0);
            assertEquals(List.of("a@example.test"), m.recipients());
            engine.await("the removal is logged", WAIT, () -> engine.maillog().contains(id + ": removed"));
            String log = engine.maillog();
            // mx1 (preference 10) is down, mx2 took it; the log names the MX host
            assertTrue(log.contains(id + ": to=<a@example.test>, relay=mx2.example.test[127.0.0.1]:" + server.port()
                    + ", "), log);
            assertTrue(log.contains("status=sent"), log);
        }
    }

    @Test
    void nullMxRecipientShouldBounceToTheSenderByMx() throws Exception {
        try (TestEngine engine = engine(Map.of())) {
            String id = engine.send("app@example.com", List.of("x@nomail.test"), MESSAGE);

            ReceivedMessage bounce = server.awaitMessages(1, WAIT).get(0);
            assertEquals("", bounce.sender());
            assertEquals(List.of("app@example.com"), bounce.recipients());
            assertTrue(bounce.text().contains("Status: 5.1.0"), bounce.text());
            assertTrue(bounce.text().contains("Domain nomail.test does not accept mail (nullMX)"), bounce.text());
            engine.await("the message is gone", WAIT, () -> engine.maillog().contains(id + ": removed"));
            assertTrue(engine.maillog().contains(id + ": to=<x@nomail.test>, relay=none"), engine.maillog());
            assertTrue(engine.maillog().contains("dsn=5.1.0, status=bounced (Domain nomail.test does not accept mail"
                    + " (nullMX))"), engine.maillog());
        }
    }

    @Test
    void unresolvableDomainShouldStayQueuedWhenDnsFails() throws Exception {
        dns.servfail("broken.test");
        try (TestEngine engine = engine(Map.of("minimal_backoff_time", "60s", "maximal_backoff_time", "60s"))) {
            String id = engine.send("app@example.com", List.of("a@broken.test"), MESSAGE);

            engine.await("the message is deferred", WAIT, () -> engine.count(QueueName.DEFERRED) == 1);
            assertTrue(engine.maillog().contains(id + ": to=<a@broken.test>, relay=none"), engine.maillog());
            assertTrue(engine.maillog().contains("dsn=4.4.3, status=deferred (Host or domain name not found. Name"
                    + " service error for name=broken.test type=MX: Host not found, try again)"), engine.maillog());
            assertEquals(0, server.connections());
        }
    }

    @Test
    void relayhostListShouldFallThroughToTheSecondRelay() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (TestEngine engine = engine(Map.of("relayhost",
                "[127.0.0.1]:" + closed + ", [127.0.0.1]:" + server.port()))) {
            String id = engine.send("app@example.com", List.of("a@example.org"), MESSAGE);

            assertEquals(List.of("a@example.org"), server.awaitMessages(1, WAIT).get(0).recipients());
            engine.await("the removal is logged", WAIT, () -> engine.maillog().contains(id + ": removed"));
            assertTrue(engine.maillog().contains(id + ": to=<a@example.org>, relay=127.0.0.1[127.0.0.1]:"
                    + server.port()), engine.maillog());
        }
    }
}
