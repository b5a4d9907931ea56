package org.postrelay.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;
import org.postrelay.queue.SpoolWriter;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.ScriptedSmtpServer.ReceivedMessage;
import org.postrelay.testing.TestEngine;

/** The queue manager against a real SMTP server on loopback, with timers shortened to seconds. */
class QueueManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MESSAGE = "Subject: test\r\n\r\nhello\r\n";

    @TempDir
    Path dir;
    private ScriptedSmtpServer relay;

    @BeforeEach
    void startRelay() {
        relay = ScriptedSmtpServer.start();
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    @Test
    void messageShouldBeDeliveredAndRemovedFromTheQueue() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of())) {
            String id = engine.send("app@example.com", List.of("a@example.org", "b@example.org"), MESSAGE);
            ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
            assertEquals("app@example.com", m.sender());
            assertEquals(List.of("a@example.org", "b@example.org"), m.recipients());
            engine.await("the queue is empty", WAIT, () -> engine.queued() == 0);
            // qmgr logs "removed" just after it unlinks the file: wait for the line, not the file
            engine.await("the removal is logged", WAIT, () -> engine.maillog().contains(id + ": removed"));
            String log = engine.maillog();
            assertTrue(log.contains(id + ": to=<a@example.org>, relay=127.0.0.1[127.0.0.1]:" + relay.port()), log);
            assertTrue(log.matches("(?s).*" + id + ": to=<b@example.org>, relay=\\S+, delay=[0-9.]+, "
                    + "delays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+, dsn=2\\.0\\.0, status=sent \\(250.*"), log);
            assertTrue(log.contains(id + ": removed"), log);
        }
    }

    @Test
    void partialDeliveryShouldRetryOnlyTheDeferredRecipient() throws Exception {
        relay.onRcpt("later@example.org", "450 4.2.0 Mailbox busy");
        relay.onRcpt("never@example.org", "550 5.1.1 No such user");
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of())) {
            String id = engine.send("app@example.com",
                    List.of("now@example.org", "later@example.org", "never@example.org"), MESSAGE);
            // the original to now@, then the bounce for never@ back to the sender
            List<ReceivedMessage> first = relay.awaitMessages(2, WAIT);
            assertEquals(List.of("now@example.org"), first.get(0).recipients());
            ReceivedMessage bounce = first.get(1);
            assertEquals("", bounce.sender());
            assertEquals(List.of("app@example.com"), bounce.recipients());
            assertTrue(bounce.text().contains("never@example.org"), bounce.text());
            assertFalse(bounce.text().contains("Final-Recipient: rfc822; later@example.org"), bounce.text());
            assertTrue(bounce.text().contains("Status: 5.1.1"), bounce.text());
            assertTrue(bounce.text().contains("Diagnostic-Code: smtp; 550 5.1.1 No such user"), bounce.text());
            assertTrue(bounce.text().contains("Remote-MTA: dns; 127.0.0.1"), bounce.text());
            assertTrue(bounce.text().contains("Content-Type: message/delivery-status"), bounce.text());
            engine.await("the message is deferred", WAIT, () -> engine.count(QueueName.DEFERRED) == 1);

            relay.reset();                               // the busy mailbox recovers
            List<ReceivedMessage> all = relay.awaitMessages(3, WAIT);
            assertEquals(List.of("later@example.org"), all.get(2).recipients());
            engine.await("the queue is empty", WAIT, () -> engine.queued() == 0);
            Thread.sleep(1500);                          // one more queue run: nothing is sent again
            assertEquals(3, relay.messages().size());
            String log = engine.maillog();
            assertTrue(log.contains(id + ": to=<later@example.org>") && log.contains("status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 Mailbox busy (in reply to RCPT TO command))"), log);
            assertTrue(log.contains(id + ": to=<never@example.org>") && log.contains("dsn=5.1.1, status=bounced"), log);
        }
    }

    @Test
    void deferredMessageShouldWaitMinimalBackoffTimeAsItsMtime() throws Exception {
        relay.onRcpt("later@example.org", "451 4.3.0 Try again");
        try (TestEngine engine = TestEngine.start(dir, relay,
                Map.of("minimal_backoff_time", "30s", "maximal_backoff_time", "60s"))) {
            Instant before = Instant.now();
            QueueId id = QueueId.parse(engine.send("app@example.com", List.of("later@example.org"), MESSAGE));
            engine.await("the message is deferred", WAIT, () -> engine.count(QueueName.DEFERRED) == 1);
            Instant next = engine.master().spool().nextAttempt(QueueName.DEFERRED, id);
            Instant after = Instant.now();
            // the message is young: the next attempt is minimal_backoff_time after the failure
            assertFalse(next.isBefore(before.plusSeconds(29)), "next attempt " + next + " too early");
            assertFalse(next.isAfter(after.plusSeconds(31)), "next attempt " + next + " too late");
            int attempts = relay.rcptAttempts("later@example.org");
            Thread.sleep(2500);                          // several queue runs: not yet due
            assertEquals(attempts, relay.rcptAttempts("later@example.org"));
            engine.master().flush();                     // postqueue -f: now
            relay.reset();
            relay.awaitMessages(1, WAIT);
        }
    }

    @Test
    void expiredMessageShouldBeReturnedToItsSender() throws Exception {
        relay.onRcpt("later@example.org", "450 4.2.0 Mailbox busy");
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of("maximal_queue_lifetime", "2s"))) {
            String id = engine.send("app@example.com", List.of("later@example.org"), MESSAGE);
            ReceivedMessage bounce = relay.awaitMessages(1, WAIT).get(0);
            assertEquals("", bounce.sender());
            assertEquals(List.of("app@example.com"), bounce.recipients());
            String text = bounce.text();
            assertTrue(text.contains("Undelivered Mail Returned to Sender"), text);
            assertTrue(text.contains("Action: failed"), text);
            assertTrue(text.contains("Status: 4.2.0"), text);
            assertTrue(text.contains("450 4.2.0 Mailbox busy"), text);
            engine.await("the message is removed", WAIT, () -> engine.maillog().contains(id + ": removed"));
            assertTrue(engine.maillog().contains(id + ": from=<app@example.com>, status=expired, returned to sender"));
        }
    }

    @Test
    void delayWarningShouldBeSentOnceWhileStillRetrying() throws Exception {
        relay.onRcpt("later@example.org", "450 4.2.0 Mailbox busy");
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of("delay_warning_time", "1s"))) {
            engine.send("app@example.com", List.of("later@example.org"), MESSAGE);
            ReceivedMessage warning = relay.awaitMessages(1, WAIT).get(0);
            assertTrue(warning.text().contains("Delayed Mail (still being retried)"), warning.text());
            assertTrue(warning.text().contains("Action: delayed"), warning.text());
            assertTrue(warning.text().contains("Will-Retry-Until:"), warning.text());
            Thread.sleep(3500);                          // more attempts, but no second warning
            assertEquals(1, relay.messages().size());
            assertEquals(1, engine.count(QueueName.DEFERRED));
        }
    }

    @Test
    void deadRelayShouldBeThrottledInsteadOfBeingHammered() throws Exception {
        relay.failConnections(true);
        // A backlog that qmgr finds all at once at start: sent one by one on a slow machine, each
        // would find the destination idle again (its failure count forgotten, as Postfix forgets it).
        try (Spool spool = Spool.open(dir.resolve("spool"))) {
            for (int i = 0; i < 30; i++) {
                try (SpoolWriter w = spool.create("app@example.com", List.of("r" + i + "@example.org"), Map.of(),
                        Instant.now(), null)) {
                    w.content().write(MESSAGE.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    w.commit();
                }
            }
        }
        try (TestEngine engine = TestEngine.start(dir, relay,
                Map.of("minimal_backoff_time", "60s", "maximal_backoff_time", "60s"))) {
            engine.await("all 30 are deferred", WAIT, () -> engine.count(QueueName.DEFERRED) == 30);
            String log = engine.maillog();
            assertTrue(log.contains("delivery temporarily suspended"), log);
            assertTrue(relay.connections() < 30, "connections: " + relay.connections());
            relay.failConnections(false);
            engine.master().flush();                     // lifts the throttle and retries now
            relay.awaitMessages(30, WAIT);
            engine.await("the queue is empty", WAIT, () -> engine.queued() == 0);
        }
    }

    @Test
    void refusedConnectionShouldDeferWithPostfixsReason() throws Exception {
        int closedPort = relay.port();
        relay.close();
        try (TestEngine engine = TestEngine.start(dir, relay,
                Map.of("relayhost", "[127.0.0.1]:" + closedPort, "minimal_backoff_time", "60s"))) {
            String id = engine.send("app@example.com", List.of("r@example.org"), MESSAGE);
            engine.await("the message is deferred", WAIT, () -> engine.count(QueueName.DEFERRED) == 1);
            String log = engine.maillog();
            assertTrue(log.contains(id + ": to=<r@example.org>, relay=none") && log.contains("status=deferred")
                    && log.contains("Connection refused"), log);
        } finally {
            relay = ScriptedSmtpServer.start();
        }
    }

    @Test
    void mailFromTheNullSenderShouldNeverBeBounced() throws Exception {
        relay.onRcpt("never@example.org", "550 5.1.1 No such user");
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of())) {
            String id = engine.send("", List.of("never@example.org"), MESSAGE);
            engine.await("the message is removed", WAIT, () -> engine.maillog().contains(id + ": removed"));
            assertTrue(engine.maillog().contains("no bounce of a bounce"), engine.maillog());
            Thread.sleep(500);
            assertTrue(relay.messages().isEmpty(), "nothing was sent: " + relay.messages());
        }
    }

    @Test
    void discardedLocalRecipientShouldNotReachTheRelay() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay,
                Map.of("mydestination", "example.com", "local_transport", "discard:dropped here"))) {
            String id = engine.send("app@example.com", List.of("me@example.com", "you@example.org"), MESSAGE);
            ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
            assertEquals(List.of("you@example.org"), m.recipients());
            engine.await("the queue is empty", WAIT, () -> engine.queued() == 0);
            assertTrue(engine.maillog().contains(id + ": to=<me@example.com>, relay=none"), engine.maillog());
            assertTrue(engine.maillog().contains("status=sent (dropped here)"), engine.maillog());
        }
    }

    @Test
    void activeQueueShouldNeverHoldMoreThanQmgrMessageActiveLimit() throws Exception {
        relay.stallAfterData(Duration.ofMillis(200));  // deliveries take a while: the backlog waits
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of("qmgr_message_active_limit", "3"))) {
            for (int i = 0; i < 12; i++) {
                engine.send("app@example.com", List.of("r" + i + "@example.org"), MESSAGE);
            }
            int largest = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (relay.messages().size() < 12 && System.nanoTime() < deadline) {
                largest = Math.max(largest, engine.master().queueManager().activeCount());
                assertTrue(engine.count(QueueName.ACTIVE) <= 3, "active/ holds " + engine.count(QueueName.ACTIVE));
                Thread.sleep(10);
            }
            assertEquals(12, relay.messages().size());
            assertTrue(largest >= 2 && largest <= 3, "largest active queue: " + largest);
        }
    }
    @Test
    void aBacklogOnDiskLargerThanTheActiveLimitShouldAllBeDeliveredThroughABoundedActiveQueue() throws Exception {
        relay.stallAfterData(Duration.ofMillis(20));
        Set<String> expected = new HashSet<>();
        try (Spool spool = Spool.open(dir.resolve("spool"))) {   // found by the scans, not announced
            for (int i = 0; i < 60; i++) {
                QueueId id = queue(spool, "in" + i + "@example.org");
                expected.add("in" + i + "@example.org");
                assertTrue(Files.exists(spool.path(QueueName.INCOMING, id)));
            }
            for (int i = 0; i < 40; i++) {                        // deferred and due, or due only on a flush
                QueueId id = queue(spool, "de" + i + "@example.org");
                expected.add("de" + i + "@example.org");
                spool.move(id, QueueName.INCOMING, QueueName.DEFERRED);
                spool.setNextAttempt(QueueName.DEFERRED, id,
                        i % 2 == 0 ? Instant.now().minusSeconds(60) : Instant.now().plusSeconds(3600));
            }
        }
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of("qmgr_message_active_limit", "5",
                "queue_run_delay", "3600s"))) {
            int largest = watchActive(engine, () -> relay.messages().size() >= 80);
            assertEquals(80, relay.messages().size(), "incoming/ and the due half of deferred/");
            assertEquals(20, engine.count(QueueName.DEFERRED), "the rest is not due");
            engine.master().flush();                              // postqueue -f: all of deferred/ now
            largest = Math.max(largest, watchActive(engine, () -> relay.messages().size() >= 100));
            engine.await("the queue is empty", WAIT, () -> engine.queued() == 0);
            Set<String> delivered = new HashSet<>();
            relay.messages().forEach(m -> delivered.addAll(m.recipients()));
            assertEquals(expected, delivered);
            assertEquals(100, relay.messages().size(), "each message once");
            assertTrue(largest >= 2 && largest <= 5, "largest active queue: " + largest);
        }
    }

    private QueueId queue(Spool spool, String recipient) throws java.io.IOException {
        try (SpoolWriter w = spool.create("app@example.com", List.of(recipient), Map.of(), Instant.now(), null)) {
            w.content().write(MESSAGE.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return w.commit();
        }
    }

    /** Samples the active queue (in memory and active/) until {@code done}; the largest seen. */
    private static int watchActive(TestEngine engine, java.util.function.BooleanSupplier done) throws Exception {
        int largest = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            largest = Math.max(largest, engine.master().queueManager().activeCount());
            assertTrue(engine.count(QueueName.ACTIVE) <= 5, "active/ holds " + engine.count(QueueName.ACTIVE));
            Thread.sleep(5);
        }
        return largest;
    }
}
