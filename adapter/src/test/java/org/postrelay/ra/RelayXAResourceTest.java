package org.postrelay.ra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.queue.QueueName;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.TestEngine;

/**
 * The XA protocol as a transaction manager drives it, against a real engine and SMTP server (the
 * container itself is tested on WildFly): commit sends, rollback does not, and a branch prepared
 * before a crash is found by recovery and sent exactly when committed.
 */
class RelayXAResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private ScriptedSmtpServer relay;
    private TestEngine engine;

    @BeforeEach
    void start() throws Exception {
        relay = ScriptedSmtpServer.start();
        engine = TestEngine.start(dir, relay, Map.of());
    }

    @AfterEach
    void stop() {
        engine.close();
        relay.close();
    }

    private PostrelayManagedConnection connection() {
        return new PostrelayManagedConnection(new PostrelayManagedConnectionFactory(), engine.master());
    }

    private static Xid xid(int n) {
        return XidCodec.decode("4660:" + String.format("%08x", n) + ":01");
    }

    private static String send(PostrelayManagedConnection mc, String to) throws Exception {
        try (RelayConnectionHandle handle = (RelayConnectionHandle) mc.getConnection(null, null)) {
            return handle.send("app@example.com", List.of(to),
                    new ByteArrayInputStream("Subject: tx\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void committedBranchShouldBeSentAndRolledBackOneNever() throws Exception {
        PostrelayManagedConnection mc = connection();
        XAResource xa = mc.getXAResource();
        xa.start(xid(1), XAResource.TMNOFLAGS);
        send(mc, "kept@example.org");
        xa.end(xid(1), XAResource.TMSUCCESS);
        xa.start(xid(2), XAResource.TMNOFLAGS);
        send(mc, "dropped@example.org");
        xa.end(xid(2), XAResource.TMSUCCESS);
        assertEquals(2, engine.count(QueueName.PREPARED));
        Thread.sleep(300);
        assertTrue(relay.messages().isEmpty(), "nothing is visible before the decision");

        assertEquals(XAResource.XA_OK, xa.prepare(xid(1)));
        xa.commit(xid(1), false);
        xa.rollback(xid(2));
        assertEquals(List.of("kept@example.org"), relay.awaitMessages(1, WAIT).get(0).recipients());
        engine.await("the queue is empty", WAIT, () -> engine.queued() == 0 && engine.count(QueueName.PREPARED) == 0);
        Thread.sleep(300);
        assertEquals(1, relay.messages().size(), "the rolled-back message never leaves");
    }

    @Test
    void branchWithoutMessagesShouldPrepareReadOnly() throws Exception {
        XAResource xa = connection().getXAResource();
        xa.start(xid(3), XAResource.TMNOFLAGS);
        xa.end(xid(3), XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_RDONLY, xa.prepare(xid(3)));
    }

    @Test
    void sendOutsideATransactionShouldBeQueuedAtOnce() throws Exception {
        send(connection(), "now@example.org");
        relay.awaitMessages(1, WAIT);
    }

    @Test
    void preparedBranchShouldSurviveARestartAndBeSentOnlyWhenRecoveryCommitsIt() throws Exception {
        PostrelayManagedConnection mc = connection();
        XAResource xa = mc.getXAResource();
        xa.start(xid(7), XAResource.TMNOFLAGS);
        send(mc, "a@example.org");
        send(mc, "b@example.org");
        xa.end(xid(7), XAResource.TMSUCCESS);
        xa.start(xid(8), XAResource.TMNOFLAGS);
        send(mc, "c@example.org");
        xa.end(xid(8), XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xa.prepare(xid(7)));
        assertEquals(XAResource.XA_OK, xa.prepare(xid(8)));

        engine.restart();                                // the server went down between prepare and commit
        Thread.sleep(300);
        assertTrue(relay.messages().isEmpty(), "undecided mail is not delivered by a restart");
        XAResource recovered = connection().getXAResource();
        Xid[] inDoubt = recovered.recover(XAResource.TMSTARTRSCAN);
        assertEquals(2, inDoubt.length);
        assertArrayEquals(new Xid[0], recovered.recover(XAResource.TMENDRSCAN));
        recovered.commit(xid(7), false);
        recovered.rollback(xid(8));
        java.util.Set<String> delivered = relay.awaitMessages(2, WAIT).stream()
                .flatMap(m -> m.recipients().stream()).collect(java.util.stream.Collectors.toSet());
        assertEquals(java.util.Set.of("a@example.org", "b@example.org"), delivered);
        engine.await("nothing left", WAIT, () -> engine.queued() == 0 && engine.count(QueueName.PREPARED) == 0);
        assertEquals(0, recovered.recover(XAResource.TMSTARTRSCAN).length);
        Thread.sleep(300);
        assertEquals(2, relay.messages().size(), "the rolled-back branch's message never leaves");
    }
}
