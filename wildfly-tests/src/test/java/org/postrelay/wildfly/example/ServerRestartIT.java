package org.postrelay.wildfly.example;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server restart (the JVM stopped and started again) with mail queued for a relayhost that is
 * down: after the restart, with the relayhost back, the message is delivered, once.
 *
 * <p>Needs the manual-mode container {@link #CONTAINER}; it runs in its own failsafe execution
 * (tag {@code restart}, {@code -Darquillian.launch=wildfly-manual}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag("restart")
class ServerRestartIT {

    /** The manual-mode container's qualifier in arquillian.xml. */
    static final String CONTAINER = "wildfly-manual";

    @ArquillianResource
    private ContainerController controller;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "example", managed = false, testable = false)
    @TargetsContainer(CONTAINER)
    static EnterpriseArchive ear() {
        return Deployments.exampleEar();
    }

    @Test
    void restartWithMailQueuedShouldDeliverAfterTheRestart() throws Exception {
        controller.start(CONTAINER);
        // The management client of a manual container is not injectable before it starts: own one.
        try (ModelControllerClient client = ModelControllerClient.Factory.create("127.0.0.1",
                Integer.getInteger("wildfly.management-port", 9990))) {
            deployer.deploy("example");
            RelayServer server = new RelayServer(client);
            ExampleApp app = new ExampleApp(URI.create("http://127.0.0.1:" + Integer.getInteger("wildfly.http-port", 8080)));
            int port = SmtpSink.freePort();
            Map<String, String> config = new HashMap<>(RelayServer.FAST_RETRY);
            config.put("relayhost", SmtpSink.relayhost(port));
            server.configure(config);
            app.awaitUp(Duration.ofSeconds(60));

            String subject = "queued across a restart " + UUID.randomUUID();
            String queueId = app.send(subject, "erin@example.org");
            app.awaitQueued(queueId, m -> "deferred".equals(m.get("queue")), Duration.ofSeconds(30));

            controller.stop(CONTAINER);
            try (SmtpSink sink = SmtpSink.start(port)) {
                controller.start(CONTAINER);
                app.awaitUp(Duration.ofSeconds(60));

                app.awaitDelivery(queueId, "sent", Duration.ofSeconds(30));
                sink.awaitSubjectOnce(subject, Duration.ofSeconds(30));
            }
            deployer.undeploy("example");
        } finally {
            if (controller.isStarted(CONTAINER)) {
                controller.stop(CONTAINER);
            }
        }
    }
}
