package org.postrelay.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;
import org.postrelay.queue.SpoolWriter;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.TestEngine;

/** A restart finds everything: each queue directory as a crash could have left it. */
class RecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static QueueId queue(Spool spool, String recipient) throws IOException {
        try (SpoolWriter writer = spool.create("app@example.com", List.of(recipient), Map.of(), Instant.now(), null)) {
            try (OutputStream out = writer.content()) {
                new ByteArrayInputStream(("Subject: " + recipient + "\r\n\r\nbody\r\n")
                        .getBytes(StandardCharsets.US_ASCII)).transferTo(out);
            }
            return writer.commit();
        }
    }

    private static void garble(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Arrays.fill(bytes, 0, Math.min(24, bytes.length / 2), (byte) 0x5a);   // header gone, END kept
        Files.write(file, bytes);
    }

    @Test
    void restartShouldRequeueActiveRemovePartialsAndSetAsideCorruptFiles() throws Exception {
        Path spoolDir = dir.resolve("spool");
        QueueId inActive;
        QueueId inIncoming;
        QueueId inDeferred;
        QueueId partial = QueueId.next();
        QueueId garbledIncoming;
        QueueId garbledDeferred;
        try (Spool spool = Spool.open(spoolDir)) {
            inActive = queue(spool, "active@example.org");
            spool.move(inActive, QueueName.INCOMING, QueueName.ACTIVE);      // crashed mid-delivery
            inIncoming = queue(spool, "incoming@example.org");
            inDeferred = queue(spool, "deferred@example.org");
            spool.setNextAttempt(QueueName.INCOMING, inDeferred, Instant.now().minusSeconds(1));
            spool.move(inDeferred, QueueName.INCOMING, QueueName.DEFERRED);
            byte[] whole = Files.readAllBytes(spool.path(QueueName.INCOMING, inIncoming));
            Files.write(spool.path(QueueName.INCOMING, partial), Arrays.copyOf(whole, whole.length / 2)); // never acknowledged
            garbledIncoming = queue(spool, "garbled1@example.org");
            garble(spool.path(QueueName.INCOMING, garbledIncoming));
            garbledDeferred = queue(spool, "garbled2@example.org");
            garble(spool.path(QueueName.INCOMING, garbledDeferred));
            spool.move(garbledDeferred, QueueName.INCOMING, QueueName.DEFERRED);
        }
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start();
             TestEngine engine = TestEngine.start(dir, relay, Map.of())) {
            Set<String> delivered = relay.awaitMessages(3, WAIT).stream()
                    .flatMap(m -> m.recipients().stream()).collect(Collectors.toSet());
            assertEquals(Set.of("active@example.org", "incoming@example.org", "deferred@example.org"), delivered);
            engine.await("the queue is empty", WAIT, () -> engine.queued() == 0);
            Spool spool = engine.master().spool();
            assertFalse(Files.exists(spool.path(QueueName.INCOMING, partial)), "partial file removed");
            assertTrue(Files.exists(spool.path(QueueName.CORRUPT, garbledIncoming)), "garbled incoming kept aside");
            assertTrue(Files.exists(spool.path(QueueName.CORRUPT, garbledDeferred)), "garbled deferred kept aside");
            assertEquals(2, engine.count(QueueName.CORRUPT));
            assertTrue(engine.maillog().contains("spool recovery: 1 requeued from active, 1 unacknowledged partial"),
                    engine.maillog());
            assertTrue(engine.maillog().contains(garbledDeferred + ": unreadable queue file, moved to corrupt/"),
                    engine.maillog());
            Thread.sleep(300);
            assertEquals(3, relay.messages().size(), "nothing delivered twice");
        }
    }

    @Test
    void messagesQueuedWhileTheRelayIsDownShouldSurviveARestart() throws Exception {
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start()) {
            relay.failConnections(true);
            try (TestEngine engine = TestEngine.start(dir, relay, Map.of("minimal_backoff_time", "60s"))) {
                for (int i = 0; i < 5; i++) {
                    engine.send("app@example.com", List.of("r" + i + "@example.org"), "Subject: s\r\n\r\nb\r\n");
                }
                engine.await("all deferred", WAIT, () -> engine.count(QueueName.DEFERRED) == 5);
                relay.failConnections(false);
                engine.restart();
                engine.master().flush();
                relay.awaitMessages(5, WAIT);
                engine.await("the queue is empty", WAIT, () -> engine.queued() == 0);
            }
        }
    }
}
