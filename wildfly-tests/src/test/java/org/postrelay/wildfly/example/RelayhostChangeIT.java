package org.postrelay.wildfly.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's CLI script run again against the running server with another relayhost (it also
 * redeploys the rar under the application that uses it) takes effect at the reload it asks for:
 * mail goes to the new relayhost, none to the old.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RelayhostChangeIT {

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @ArquillianResource
    private ManagementClient management;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.exampleEar();
    }

    @Test
    void changedRelayhostShouldReceiveTheNextMessage() throws Exception {
        RelayServer server = new RelayServer(management.getControllerClient());
        ExampleApp app = new ExampleApp(management.getWebUri());
        try (SmtpSink first = SmtpSink.start(); SmtpSink second = SmtpSink.start()) {
            Map<String, String> config = new HashMap<>(RelayServer.FAST_RETRY);
            config.put("relayhost", first.relayhost());
            server.configure(config);
            app.awaitUp(Duration.ofSeconds(60));
            String before = "to the first relayhost " + UUID.randomUUID();
            app.send(before, "carol@example.org");
            first.awaitSubject(before, DELIVERY);

            server.runScript(second.relayhost(), "example.com");
            assertEquals(second.relayhost(), server.value("relayhost"));
            app.awaitUp(Duration.ofSeconds(60));
            String after = "to the second relayhost " + UUID.randomUUID();
            String queueId = app.send(after, "carol@example.org");

            second.awaitSubject(after, DELIVERY);
            Map<String, Object> delivery = app.awaitDelivery(queueId, "sent", DELIVERY);
            assertTrue(String.valueOf(delivery.get("relay")).contains(String.valueOf(second.port())),
                    delivery.toString());
            assertTrue(first.messages().stream().noneMatch(r -> r.hasSubject(after)),
                    "the old relayhost still got mail");
        }
    }
}
