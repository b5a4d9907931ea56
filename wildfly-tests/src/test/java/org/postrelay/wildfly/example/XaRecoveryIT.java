package org.postrelay.wildfly.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postrelay.wildfly.xa.CrashServlet;

/**
 * XA recovery through WildFly's transaction manager: the server JVM dies in the middle of two-phase
 * commit with a Postrelay branch prepared (its message durable in prepared/, invisible to qmgr).
 * After the restart, the transaction manager's periodic recovery asks the adapter for its in-doubt
 * branches and decides: a transaction whose commit was logged is committed and its message sent
 * once; one that died before any decision is rolled back and its message never leaves.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag("restart")
class XaRecoveryIT {

    private static final String CONTAINER = ServerRestartIT.CONTAINER;
    /** Recovery runs every 5 s in the manual container (arquillian.xml); allow several passes. */
    private static final Duration RECOVERY = Duration.ofSeconds(90);

    @ArquillianResource
    private ContainerController controller;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "xa", managed = false, testable = false)
    @TargetsContainer(CONTAINER)
    static WebArchive crashingApplication() {
        return ShrinkWrap.create(WebArchive.class, "xa-crash.war")
                .addPackage(CrashServlet.class.getPackage())
                // the API classes live in the rar: a deployment sees them through this dependency
                .addAsManifestResource(new StringAsset("Dependencies: deployment.postrelay.rar\n"), "MANIFEST.MF");
    }

    @Test
    void recoveryShouldSendWhatWasCommittedAndDropWhatWasNot() throws Exception {
        controller.start(CONTAINER);
        try (ModelControllerClient client = ModelControllerClient.Factory.create("127.0.0.1",
                Integer.getInteger("wildfly.management-port", 9990)); SmtpSink sink = SmtpSink.start()) {
            deployer.deploy("xa");
            Map<String, String> config = new HashMap<>(RelayServer.FAST_RETRY);
            config.put("relayhost", sink.relayhost());
            new RelayServer(client).configure(config);

            String committed = "xa committed before the crash " + UUID.randomUUID();
            crashDuring("commit", committed);
            assertEquals(1, preparedMessages(), "the committed transaction's message waits in prepared/");
            assertTrue(sink.messages().stream().noneMatch(r -> r.hasSubject(committed)), "nothing leaves before the decision is carried out");
            controller.start(CONTAINER);
            sink.awaitSubjectOnce(committed, RECOVERY);
            awaitNoPreparedMessages();

            String undecided = "xa undecided at the crash " + UUID.randomUUID();
            crashDuring("prepare", undecided);
            assertEquals(1, preparedMessages(), "the undecided transaction's message waits in prepared/");
            controller.start(CONTAINER);
            awaitNoPreparedMessages();                   // rolled back by recovery (presumed abort)
            Thread.sleep(3000);
            assertTrue(sink.messages().stream().noneMatch(r -> r.hasSubject(undecided)), "a message of a rolled-back transaction was sent");

            deployer.undeploy("xa");
        } finally {
            if (controller.isStarted(CONTAINER)) {
                controller.stop(CONTAINER);
            }
        }
    }

    /** Asks the servlet to send and commit; the server dies during two-phase commit. */
    private void crashDuring(String moment, String subject) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + Integer.getInteger("wildfly.http-port", 8080) + "/xa-crash/crash?at=" + moment + "&subject="
                + java.net.URLEncoder.encode(subject, java.nio.charset.StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            throw new AssertionError("the server answered instead of dying: " + response.statusCode() + " "
                    + response.body());
        } catch (IOException expected) {
            // the connection died with the server
        }
        awaitServerProcessExit();
        try {
            controller.kill(CONTAINER);                  // the process is gone; let Arquillian know
        } catch (Exception e) {
            // Arquillian's kill is a management shutdown when it still thinks the JVM alive (not yet
            // reaped); it fails to connect, but forgets the process first. Gone is gone.
            if (managementPortOpen()) {
                throw e;
            }
        }
    }

    /**
     * Waits until the halted server JVM has really exited: its sockets close a moment before the
     * process is gone. The server is this JVM's only jboss-modules child.
     */
    private static void awaitServerProcessExit() throws Exception {
        for (ProcessHandle server : ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains("jboss-modules")).orElse(true)).toList()) {
            server.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (managementPortOpen()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server's management port still answers a minute after the crash");
            }
            Thread.sleep(100);
        }
    }

    private static boolean managementPortOpen() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", Integer.getInteger("wildfly.management-port", 9990)), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path preparedDirectory() {
        return Path.of(System.getProperty("jboss.home"), "standalone", "data", "postrelay", "prepared");
    }

    private static long preparedMessages() throws IOException {
        try (Stream<Path> files = Files.list(preparedDirectory())) {
            return files.count();
        }
    }

    private static void awaitNoPreparedMessages() throws Exception {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (preparedMessages() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("recovery left " + preparedMessages() + " message(s) in "
                        + preparedDirectory() + " after " + RECOVERY);
            }
            Thread.sleep(500);
        }
    }
}
