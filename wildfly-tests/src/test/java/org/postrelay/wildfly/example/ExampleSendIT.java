package org.postrelay.wildfly.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example EAR's EJB, which injects {@code java:/eis/postrelay/RelayConnectionFactory}, sends
 * inside a container-managed transaction: committed mail arrives at a real SMTP server on
 * loopback; rolled-back mail is neither delivered nor queued.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExampleSendIT {

    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static SmtpSink sink;

    @ArquillianResource
    private ManagementClient management;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.exampleEar();
    }

    @BeforeAll
    static void startSink() {
        sink = SmtpSink.start();
    }

    @AfterAll
    static void stopSink() {
        sink.close();
    }

    private ExampleApp relayingToSink() throws Exception {
        Map<String, String> config = new HashMap<>(RelayServer.FAST_RETRY);
        config.put("relayhost", sink.relayhost());
        new RelayServer(management.getControllerClient()).configure(config);
        ExampleApp app = new ExampleApp(management.getWebUri());
        app.awaitUp(Duration.ofSeconds(60));
        return app;
    }

    @Test
    void sendFromEjbShouldArriveAtTheRelayhost() throws Exception {
        ExampleApp app = relayingToSink();
        String subject = "ejb send " + UUID.randomUUID();

        String queueId = app.send("orders@example.com", "alice@example.org", subject, "It works.", false);

        assertNotNull(queueId);
        SmtpSink.Received received = sink.awaitSubject(subject, DELIVERY);
        assertEquals("orders@example.com", received.sender());
        assertEquals(List.of("alice@example.org"), received.recipients());
        assertTrue(received.data().contains("It works."), received.data());
        Map<String, Object> delivery = app.awaitDelivery(queueId, "sent", DELIVERY);
        assertEquals("alice@example.org", delivery.get("recipient"));
        assertTrue(String.valueOf(delivery.get("relay")).contains(String.valueOf(sink.port())), delivery.toString());
    }

    @Test
    void factoryShouldBeRegisteredForXaRecovery() throws Exception {
        // IronJacamar skips recovery registration with only a warning (IJ020016) when the
        // connection definition lacks a recovery credential; then prepared mail would wait forever.
        Path serverLog = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        String log = Files.readString(serverLog);
        assertTrue(log.contains("Bound Jakarta Connectors ConnectionFactory [java:/eis/postrelay/RelayConnectionFactory]"),
                "the factory was not bound; see " + serverLog);
        assertFalse(log.contains("XA recovery disabled for: java:/eis/postrelay/RelayConnectionFactory"),
                "XA recovery is disabled for the factory; see " + serverLog);
    }

    @Test
    void committedSendShouldArriveAndRolledBackSendShouldNot() throws Exception {
        ExampleApp app = relayingToSink();
        String rolledBackSubject = "rolled back " + UUID.randomUUID();
        String committedSubject = "committed " + UUID.randomUUID();

        String rolledBack = app.send("app@example.com", "bob@example.org", rolledBackSubject, "never", true);
        assertFalse(app.isQueued(rolledBack), "a rolled-back message must not be queued: " + app.queue());
        String committed = app.send("app@example.com", "bob@example.org", committedSubject, "sent", false);

        // The committed message was handed over after the rolled-back one would have been: once it
        // has arrived (and a little later), the rolled-back one would have arrived too.
        sink.awaitSubject(committedSubject, DELIVERY);
        app.awaitDelivery(committed, "sent", DELIVERY);
        Thread.sleep(2000);
        assertTrue(sink.messages().stream().noneMatch(r -> r.hasSubject(rolledBackSubject)),
                "the rolled-back message arrived");
        assertFalse(app.isQueued(rolledBack), "a rolled-back message must not be queued: " + app.queue());
        assertTrue(app.deliveries().stream().noneMatch(d -> rolledBack.equals(d.get("queueId"))),
                "a rolled-back message must have no delivery attempt: " + app.deliveries());
    }
}
