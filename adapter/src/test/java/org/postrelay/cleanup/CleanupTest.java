package org.postrelay.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.RelayConnection;
import org.postrelay.queue.QueueName;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.ScriptedSmtpServer.ReceivedMessage;
import org.postrelay.testing.TestEngine;

/** Cleanup as an application sees it: what reaches the wire, and what is refused up front. */
class CleanupTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private ScriptedSmtpServer relay;
    private final Session session = Session.getInstance(new Properties());

    @BeforeEach
    void startRelay() {
        relay = ScriptedSmtpServer.start();
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    @Test
    void bccShouldBeDeliveredButNeverReachTheWire() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of());
             RelayConnection connection = engine.master().connectionFactory().getConnection()) {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress("orders@example.com"));
            message.setRecipients(MimeMessage.RecipientType.TO, "alice@example.org");
            message.setRecipients(MimeMessage.RecipientType.BCC, "audit@example.org");
            message.setSubject("shipped");
            message.setText("on its way\n");
            String id = connection.send(message);
            ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
            assertEquals("orders@example.com", m.sender());
            assertEquals(List.of("alice@example.org", "audit@example.org"), m.recipients());
            assertFalse(m.text().toLowerCase().contains("bcc"), m.text());
            assertFalse(m.text().contains("audit@example.org"), m.text());
            assertTrue(m.text().startsWith("Received: by relay-client.example.com (Postrelay, from api)\r\n\tid " + id),
                    m.text());
        }
    }

    @Test
    void bareNamesShouldBeQualifiedWithMyoriginAndMissingHeadersAdded() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of("myorigin", "nixation.com"))) {
            String id = engine.send("batch", List.of("ops"), "no headers at all\n");
            ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
            assertEquals("batch@nixation.com", m.sender());
            assertEquals(List.of("ops@nixation.com"), m.recipients());
            String text = m.text();
            assertTrue(text.contains("\r\nFrom: batch@nixation.com\r\n"), text);
            assertTrue(text.matches("(?s).*\r\nDate: \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} .*"), text);
            assertTrue(text.contains("\r\nMessage-ID: <") && text.contains("." + id + "@relay-client.example.com>"), text);
            assertTrue(text.endsWith("\r\n\r\nno headers at all\r\n"), text);
        }
    }

    @Test
    void messageOverTheSizeLimitShouldBeRefusedAndNothingQueued() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of("message_size_limit", "1000"))) {
            String big = "Subject: big\r\n\r\n" + "x".repeat(78).concat("\r\n").repeat(20);
            MessageRejectedException e = assertThrows(MessageRejectedException.class,
                    () -> engine.send("app@example.com", List.of("r@example.org"), big));
            assertTrue(e.getMessage().contains("message_size_limit (1000 bytes)"), e.getMessage());
            assertEquals(0, engine.queued());
            assertEquals(0, engine.master().spool().count(QueueName.CORRUPT));
            engine.send("app@example.com", List.of("r@example.org"), "Subject: small\r\n\r\nok\r\n");
            relay.awaitMessages(1, WAIT);
        }
    }

    @Test
    void headerInjectionThroughTheApiShouldBeRefused() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of());
             RelayConnection connection = engine.master().connectionFactory().getConnection()) {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress("orders@example.com"));
            message.setRecipients(MimeMessage.RecipientType.TO, "alice@example.org");
            message.setHeader("Subject", "hello\r\nBcc: victim@example.net");
            message.setText("x");
            MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> connection.send(message));
            assertTrue(e.getMessage().contains("header injection"), e.getMessage());
            MessageRejectedException sender = assertThrows(MessageRejectedException.class,
                    () -> engine.send("a@example.com\r\nRCPT TO:<victim@example.net>", List.of("r@example.org"), "x"));
            assertTrue(sender.getMessage().contains("sender"), sender.getMessage());
            assertEquals(0, engine.queued());
        }
    }

    @Test
    void localRecipientShouldBeRefusedWhenLocalDeliveryIsDisabled() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay,
                Map.of("mydestination", "example.com, localhost", "local_transport", "error: local delivery is disabled"))) {
            MessageRejectedException e = assertThrows(MessageRejectedException.class,
                    () -> engine.send("app@example.com", List.of("root@localhost"), "x\n"));
            assertTrue(e.getMessage().contains("root@localhost"), e.getMessage());
            assertTrue(e.getMessage().contains("local delivery is disabled"), e.getMessage());
            assertEquals(0, engine.queued());
        }
    }

    @Test
    void messageWithoutRecipientsShouldBeRefused() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of())) {
            MessageRejectedException e = assertThrows(MessageRejectedException.class,
                    () -> engine.send("app@example.com", List.of(), "x\n"));
            assertTrue(e.getMessage().contains("no recipients"), e.getMessage());
        }
    }
}
