package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.Config;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.ScriptedSmtpServer.ReceivedMessage;

/** The SMTP client against a scripted SMTP server on loopback: what goes on the wire and what comes back. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmtpClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String MESSAGE = "From: app@example.com\r\nTo: a@example.org\r\nSubject: hello\r\n\r\nbody\r\n";

    private ScriptedSmtpServer relay;
    private SmtpClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        relay = ScriptedSmtpServer.start();
        client = client(Map.of());
    }

    @AfterEach
    void stop() {
        client.close();
        relay.close();
    }

    private static SmtpClient client(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("myhostname", "relay-client.example.com");
        p.put("smtp_connect_timeout", "5s");
        p.putAll(overrides);
        return new SmtpClient(Config.of(p));
    }

    private DeliveryReport deliver(String sender, List<String> recipients, String message) {
        return client.deliver(Nexthop.parse(relay.relayhost()), sender, recipients,
                MessageSource.of(message.getBytes(StandardCharsets.UTF_8)));
    }

    private String relayName() {
        return "127.0.0.1[127.0.0.1]";
    }

    @Test
    void messageShouldReachTheServerForBothRecipients() {
        DeliveryReport report = deliver("app@example.com", List.of("a@example.org", "b@example.org"), MESSAGE);

        ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
        assertEquals("app@example.com", m.sender());
        assertEquals(List.of("a@example.org", "b@example.org"), m.recipients());
        assertEquals(MESSAGE, m.text());
        assertEquals(relayName() + ":" + relay.port(), report.relay());
        assertFalse(report.siteFailure());
        assertEquals(2, report.results().size());
        for (RecipientResult r : report.results()) {
            assertEquals(Outcome.SENT, r.outcome(), r.toString());
            assertEquals("2.0.0", r.dsn());
            assertTrue(r.reply().startsWith("250 2.0.0 Ok: queued as "), r.reply());
        }
        assertEquals(List.of("a@example.org", "b@example.org"),
                report.results().stream().map(RecipientResult::recipient).toList());
        assertTrue(relay.commands().contains("EHLO relay-client.example.com"), relay.commands().toString());
    }

    @Test
    void partialDeliveryShouldSendDeferAndBouncePerRecipient() {
        relay.onRcpt("later@example.org", "450 4.2.0 Mailbox busy")
                .onRcpt("never@example.org", "550 5.1.1 No such user");

        DeliveryReport report = deliver("app@example.com",
                List.of("now@example.org", "later@example.org", "never@example.org"), MESSAGE);

        assertEquals(List.of("now@example.org"), relay.awaitMessages(1, WAIT).get(0).recipients());
        RecipientResult now = report.results().get(0);
        RecipientResult later = report.results().get(1);
        RecipientResult never = report.results().get(2);
        assertEquals(Outcome.SENT, now.outcome());
        assertEquals("2.0.0", now.dsn());
        assertTrue(now.reply().startsWith("250 2.0.0 Ok: queued as"), now.reply());
        assertEquals(new RecipientResult("later@example.org", Outcome.DEFERRED, "4.2.0", "host " + relayName()
                + " said: 450 4.2.0 Mailbox busy (in reply to RCPT TO command)", "450 4.2.0 Mailbox busy"), later);
        assertEquals(new RecipientResult("never@example.org", Outcome.BOUNCED, "5.1.1", "host " + relayName()
                + " said: 550 5.1.1 No such user (in reply to RCPT TO command)", "550 5.1.1 No such user"), never);
        assertFalse(report.siteFailure());
    }

    @Test
    void replyWithoutEnhancedCodeShouldGetADerivedDsn() {
        relay.onRcpt("later@example.org", "451 try again").onRcpt("never@example.org", "553 no");

        DeliveryReport report = deliver("app@example.com", List.of("later@example.org", "never@example.org"), MESSAGE);

        assertEquals("4.0.0", report.results().get(0).dsn());
        assertEquals(Outcome.DEFERRED, report.results().get(0).outcome());
        assertEquals("5.0.0", report.results().get(1).dsn());
        assertEquals(Outcome.BOUNCED, report.results().get(1).outcome());
        assertTrue(relay.messages().isEmpty(), "nobody accepted, nothing sent: " + relay.messages());
    }

    @Test
    void refusedMailFromShouldBounceEveryone() {
        relay.onMailFrom("550 5.7.1 Sender rejected");

        DeliveryReport report = deliver("app@example.com", List.of("a@example.org", "b@example.org"), MESSAGE);

        for (RecipientResult r : report.results()) {
            assertEquals(Outcome.BOUNCED, r.outcome());
            assertEquals("5.7.1", r.dsn());
            assertEquals("host " + relayName() + " said: 550 5.7.1 Sender rejected (in reply to MAIL FROM command)",
                    r.reply());
        }
        assertFalse(report.siteFailure());
        assertTrue(relay.messages().isEmpty());
    }

    @Test
    void refusedEndOfDataShouldDeferEveryone() {
        relay.onData("451 4.3.0 Queue file write error");

        DeliveryReport report = deliver("app@example.com", List.of("a@example.org", "b@example.org"), MESSAGE);

        for (RecipientResult r : report.results()) {
            assertEquals(Outcome.DEFERRED, r.outcome());
            assertEquals("4.3.0", r.dsn());
            assertTrue(r.reply().endsWith("(in reply to end of DATA command)"), r.reply());
        }
    }

    @Test
    void greeting421ShouldDeferEveryoneAsSiteFailure() {
        relay.failConnections(true);

        DeliveryReport report = deliver("app@example.com", List.of("a@example.org", "b@example.org"), MESSAGE);

        assertTrue(report.siteFailure());
        assertEquals(relayName() + ":" + relay.port(), report.relay());
        for (RecipientResult r : report.results()) {
            assertEquals(Outcome.DEFERRED, r.outcome());
            assertEquals("4.3.2", r.dsn());
            assertEquals("host " + relayName() + " refused to talk to me: 421 " + ScriptedSmtpServer.FAIL_GREETING,
                    r.reply());
        }
        assertEquals(1, relay.connections());
    }

    @Test
    void closedPortShouldDeferEveryoneWithConnectionRefused() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }

        DeliveryReport report = client.deliver(Nexthop.parse("[127.0.0.1]:" + closed), "app@example.com",
                List.of("a@example.org"), MessageSource.of(MESSAGE.getBytes(StandardCharsets.UTF_8)));

        assertTrue(report.siteFailure());
        assertEquals("none", report.relay());
        assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.4.1",
                "connect to 127.0.0.1[127.0.0.1]:" + closed + ": Connection refused")), report.results());
    }

    @Test
    void stallAfterDataShouldDeferOnceDataDoneTimeoutExpires() {
        client.close();
        client = client(Map.of("smtp_data_done_timeout", "1s"));
        relay.stallAfterData(Duration.ofSeconds(20));

        long start = System.nanoTime();
        DeliveryReport report = deliver("app@example.com", List.of("a@example.org"), MESSAGE);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
        assertTrue(took.compareTo(Duration.ofMillis(900)) > 0, "took " + took);
        assertTrue(report.siteFailure());
        assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.4.2",
                "conversation with " + relayName() + " timed out while sending end of data -- message may be sent"
                        + " more than once")), report.results());
        // the other timeouts were not shortened: the right one applied to the right reply
        relay.reset();
        assertEquals(Outcome.SENT, deliver("app@example.com", List.of("a@example.org"), MESSAGE).results().get(0)
                .outcome());
    }

    @Test
    void deliveriesShouldReuseOneConnectionAndSurviveItsDrop() {
        for (int i = 0; i < 3; i++) {
            DeliveryReport r = deliver("app@example.com", List.of("a" + i + "@example.org"), MESSAGE);
            assertEquals(Outcome.SENT, r.results().get(0).outcome(), r.toString());
        }
        assertEquals(3, relay.awaitMessages(3, WAIT).size());
        assertEquals(1, relay.connections());

        relay.dropConnections();                       // the server's idle timer, say
        DeliveryReport after = deliver("app@example.com", List.of("d@example.org"), MESSAGE);

        assertEquals(Outcome.SENT, after.results().get(0).outcome(), after.toString());
        assertFalse(after.siteFailure());
        assertEquals(4, relay.awaitMessages(4, WAIT).size());
        assertEquals(2, relay.connections());
    }

    @Test
    void cachedConnectionAnswering421ShouldBeReplacedByAFreshOne() {
        deliver("app@example.com", List.of("a@example.org"), MESSAGE);
        relay.onMailFrom("421 4.4.2 closing");   // what a server says before hanging up on an idle client

        DeliveryReport r = deliver("app@example.com", List.of("b@example.org"), MESSAGE);

        // the cached connection was replaced; the fresh one got the same 421: now the nexthop's trouble
        assertEquals(2, relay.connections());
        assertTrue(r.siteFailure(), r.toString());
        assertEquals(new RecipientResult("b@example.org", Outcome.DEFERRED, "4.4.2", "host " + relayName()
                + " said: 421 4.4.2 closing (in reply to MAIL FROM command)", "421 4.4.2 closing"), r.results().get(0));
    }

    @Test
    void idleConnectionShouldBeClosedWithQuitAfterCacheTimeLimit() throws InterruptedException {
        client.close();
        client = client(Map.of("smtp_connection_cache_time_limit", "1s"));

        deliver("app@example.com", List.of("a@example.org"), MESSAGE);

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!relay.commands().contains("QUIT")) {
            assertTrue(System.nanoTime() < deadline, "no QUIT: " + relay.commands());
            Thread.sleep(20);
        }
        deliver("app@example.com", List.of("b@example.org"), MESSAGE);
        assertEquals(2, relay.connections());
    }

    @Test
    void cacheOffShouldUseAConnectionPerDelivery() {
        client.close();
        client = client(Map.of("smtp_connection_cache_on_demand", "no"));

        deliver("app@example.com", List.of("a@example.org"), MESSAGE);
        deliver("app@example.com", List.of("b@example.org"), MESSAGE);

        assertEquals(2, relay.awaitMessages(2, WAIT).size());
        assertEquals(2, relay.connections());
    }

    @Test
    void nullSenderShouldGoOutAsEmptyReversePath() {
        DeliveryReport report = deliver("", List.of("app@example.com"), MESSAGE);

        assertEquals(Outcome.SENT, report.results().get(0).outcome());
        assertEquals("", relay.awaitMessages(1, WAIT).get(0).sender());
        assertTrue(relay.commands().contains("MAIL FROM:<>"), relay.commands().toString());
    }

    @Test
    void headersAndBodyShouldArriveByteIdentical() {
        String message = "Received: from api by relay-client.example.com;\r\n\tTue, 1 Dec 2026 10:00:00 +0000\r\n"
                + "From: =?UTF-8?Q?Caf=C3=A9?= <app@example.com>\r\n"
                + "To: a@example.org\r\n"
                + "Subject: folded\r\n  header line\r\n"
                + "X-Odd:no space\r\n"
                + "\r\n"
                + ".leading dot\r\n"
                + "..two dots\r\n"
                + ".\r\n"
                + "caf\u00e9 8-bit line\r\n"
                + "last line without newline";

        deliver("app@example.com", List.of("a@example.org"), message);

        byte[] sent = message.getBytes(StandardCharsets.UTF_8);
        byte[] got = relay.awaitMessages(1, WAIT).get(0).data();
        // SMTP needs the data to end in CRLF: Angus adds it, and nothing else
        byte[] expected = (message + "\r\n").getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, got, new String(got, StandardCharsets.UTF_8));
        assertFalse(new String(got, StandardCharsets.UTF_8).contains("Message-ID"));
        assertFalse(new String(got, StandardCharsets.UTF_8).contains("MIME-Version"));
        assertTrue(sent.length + 2 == got.length);
    }

    @Test
    void fileSliceShouldBeStreamedAsTheMessage() throws IOException {
        Path file = dir.resolve("queue-file");
        byte[] before = "HEADER RECORDS\n".getBytes(StandardCharsets.US_ASCII);
        byte[] content = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        byte[] after = "END\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[before.length + content.length + after.length];
        System.arraycopy(before, 0, all, 0, before.length);
        System.arraycopy(content, 0, all, before.length, content.length);
        System.arraycopy(after, 0, all, before.length + content.length, after.length);
        Files.write(file, all);

        DeliveryReport report = client.deliver(Nexthop.parse(relay.relayhost()), "app@example.com",
                List.of("a@example.org"), MessageSource.ofFile(file, before.length, content.length));

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
        assertEquals(MESSAGE, relay.awaitMessages(1, WAIT).get(0).text());
    }

    @Test
    void timesShouldBeMeasured() {
        DeliveryReport first = deliver("app@example.com", List.of("a@example.org"), MESSAGE);
        assertTrue(first.connectTime().compareTo(Duration.ZERO) > 0, first.toString());
        assertTrue(first.transmitTime().compareTo(Duration.ZERO) > 0, first.toString());
    }
}
