package org.postrelay.wildfly.example;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Undeploying postrelay.rar while mail waits for a relayhost that is down loses nothing: the
 * message stays in the spool and is delivered once the rar is deployed again and the relayhost
 * is back. The application that uses the adapter goes first and comes back last, as an admin
 * must do it (the server refuses to undeploy a module that a deployment depends on).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RarRedeployIT {

    @ArquillianResource
    private ManagementClient management;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "example", managed = false, testable = false)
    static EnterpriseArchive ear() {
        return Deployments.exampleEar();
    }

    @Test
    void undeployWithMailQueuedShouldLoseNothing() throws Exception {
        RelayServer server = new RelayServer(management.getControllerClient());
        ExampleApp app = new ExampleApp(management.getWebUri());
        int port = SmtpSink.freePort();
        Map<String, String> config = new HashMap<>(RelayServer.FAST_RETRY);
        config.put("relayhost", SmtpSink.relayhost(port));
        server.configure(config);
        deployer.deploy("example");
        try {
            app.awaitUp(Duration.ofSeconds(60));
            String subject = "queued across a redeployment " + UUID.randomUUID();
            String queueId = app.send(subject, "dave@example.org");
            app.awaitQueued(queueId, m -> "deferred".equals(m.get("queue")), Duration.ofSeconds(30));

            deployer.undeploy("example");
            server.undeployRar();
            try (SmtpSink sink = SmtpSink.start(port)) {
                server.deployRar();
                deployer.deploy("example");
                app.awaitUp(Duration.ofSeconds(60));

                app.awaitDelivery(queueId, "sent", Duration.ofSeconds(30));
                sink.awaitSubjectOnce(subject, Duration.ofSeconds(30));
            }
        } finally {
            if (!server.rarEnabled()) {
                server.deployRar();
            }
            deployer.undeploy("example");
        }
    }
}
