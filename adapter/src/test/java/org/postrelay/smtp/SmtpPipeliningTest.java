package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postrelay.config.Config;
import org.postrelay.testing.ScriptedSmtpServer;

/**
 * SMTP PIPELINING (RFC 2920) against a real server on loopback that offers it: MAIL FROM, RCPT TO and
 * DATA arrive together, before the server has answered MAIL FROM, and every outcome per recipient is
 * the one the same server gives without pipelining.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmtpPipeliningTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String MESSAGE = "From: app@example.com\r\nTo: a@example.org\r\nSubject: hello\r\n\r\n"
            + ".a line that starts with a dot\r\nbody\r\n";
    private static final String RELAY_NAME = "127.0.0.1[127.0.0.1]";

    private ScriptedSmtpServer relay;
    private final List<SmtpClient> clients = new ArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        relay = ScriptedSmtpServer.start().offerPipelining(true);
    }

    @AfterEach
    void stop() {
        clients.forEach(SmtpClient::close);
        relay.close();
    }

    private SmtpClient client(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("myhostname", "relay-client.example.com");
        p.put("smtp_connect_timeout", "5s");
        p.putAll(overrides);
        SmtpClient c = new SmtpClient(Config.of(p), DnsResolver.system(), SmtpLog.of(log::add, log::add),
                Clock.systemUTC());
        clients.add(c);
        return c;
    }

    private DeliveryReport deliver(SmtpClient client, List<String> recipients) {
        return client.deliver(Nexthop.parse(relay.relayhost()), "app@example.com", recipients,
                MessageSource.of(MESSAGE.getBytes(StandardCharsets.UTF_8)));
    }

    /** The commands of the last transaction as the server had them when it answered MAIL FROM. */
    private List<String> lastBatch() {
        List<List<String>> all = relay.sentBeforeMailReply();
        List<String> seen = all.get(all.size() - 1);
        int mail = seen.lastIndexOf("MAIL FROM:<app@example.com>");
        return seen.subList(mail, seen.size());
    }

    /**
     * The scenario once against the server offering PIPELINING and once against it not offering it, each
     * with a client of its own; asserts both give the same results and returns the pipelined report.
     */
    private DeliveryReport sameWithAndWithoutPipelining(List<String> recipients, Consumer<DeliveryReport> check) {
        relay.offerPipelining(false);
        DeliveryReport plain = deliver(client(Map.of()), recipients);
        assertEquals(List.of("MAIL FROM:<app@example.com>"), lastBatch());    // it waited for the reply
        relay.offerPipelining(true);
        DeliveryReport pipelined = deliver(client(Map.of()), recipients);
        List<String> batch = new ArrayList<>(List.of("MAIL FROM:<app@example.com>"));
        recipients.forEach(r -> batch.add("RCPT TO:<" + r + ">"));
        batch.add("DATA");
        assertEquals(batch, lastBatch());
        assertEquals(comparable(plain), comparable(pipelined));
        assertEquals(plain.siteFailure(), pipelined.siteFailure());
        check.accept(plain);
        check.accept(pipelined);
        return pipelined;
    }

    /** Results without the server's queue id, which differs from one message to the next. */
    private static List<RecipientResult> comparable(DeliveryReport report) {
        return report.results().stream().map(r -> r.outcome() == Outcome.SENT
                ? new RecipientResult(r.recipient(), r.outcome(), r.dsn(), r.reply().replaceAll("queued as \\w+", "queued"))
                : r).toList();
    }

    @Test
    void envelopeShouldArriveInOneBatchBeforeTheReplyToMailFrom() {
        DeliveryReport report = deliver(client(Map.of()), List.of("a@example.org", "b@example.org", "c@example.org"));

        assertEquals(List.of("MAIL FROM:<app@example.com>", "RCPT TO:<a@example.org>", "RCPT TO:<b@example.org>",
                "RCPT TO:<c@example.org>", "DATA"), lastBatch());
        ScriptedSmtpServer.ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
        assertEquals(List.of("a@example.org", "b@example.org", "c@example.org"), m.recipients());
        assertEquals(MESSAGE, m.text());
        for (RecipientResult r : report.results()) {
            assertEquals(Outcome.SENT, r.outcome(), r.toString());
            assertTrue(r.reply().startsWith("250 2.0.0 Ok: queued as "), r.reply());
        }
        assertFalse(report.siteFailure());
    }

    @Test
    void withoutPipeliningOfferedEachCommandShouldWaitForItsReply() {
        relay.offerPipelining(false);

        deliver(client(Map.of()), List.of("a@example.org", "b@example.org"));

        assertEquals(List.of("MAIL FROM:<app@example.com>"), lastBatch());
        assertEquals(1, relay.awaitMessages(1, WAIT).size());
    }

    @Test
    void discardedKeywordShouldTurnPipeliningOff() {
        deliver(client(Map.of("smtp_discard_ehlo_keywords", "PIPELINING, silent-discard-not-a-keyword")),
                List.of("a@example.org", "b@example.org"));

        assertEquals(List.of("MAIL FROM:<app@example.com>"), lastBatch());
        assertEquals(1, relay.awaitMessages(1, WAIT).size());
        assertTrue(log.contains("discarding EHLO keywords: PIPELINING"), log.toString());
    }

    @Test
    void silentDiscardShouldNotLog() {
        deliver(client(Map.of("smtp_discard_ehlo_keywords", "pipelining silent-discard")), List.of("a@example.org"));

        assertEquals(List.of("MAIL FROM:<app@example.com>"), lastBatch());
        assertTrue(log.stream().noneMatch(l -> l.startsWith("discarding")), log.toString());
    }

    @Test
    void refusedRecipientsAmongAcceptedOnesShouldEachKeepTheirReply() {
        relay.onRcpt("later@example.org", "450 4.2.0 Mailbox busy").onRcpt("never@example.org", "550 5.1.1 No such user");

        sameWithAndWithoutPipelining(List.of("now@example.org", "later@example.org", "never@example.org"), report -> {
            assertEquals(Outcome.SENT, report.results().get(0).outcome());
            assertEquals(new RecipientResult("later@example.org", Outcome.DEFERRED, "4.2.0", "host " + RELAY_NAME
                    + " said: 450 4.2.0 Mailbox busy (in reply to RCPT TO command)", "450 4.2.0 Mailbox busy"),
                    report.results().get(1));
            assertEquals(new RecipientResult("never@example.org", Outcome.BOUNCED, "5.1.1", "host " + RELAY_NAME
                    + " said: 550 5.1.1 No such user (in reply to RCPT TO command)", "550 5.1.1 No such user"),
                    report.results().get(2));
        });

        List<ScriptedSmtpServer.ReceivedMessage> got = relay.awaitMessages(2, WAIT);
        assertEquals(List.of("now@example.org"), got.get(1).recipients());
        assertEquals(MESSAGE, got.get(1).text());
    }

    @Test
    void allRecipientsRefusedShouldSendNoDataAndResetTheSession() {
        relay.onRcpt("later@example.org", "452 4.2.2 Over quota").onRcpt("never@example.org", "550 5.1.1 No such user");

        sameWithAndWithoutPipelining(List.of("later@example.org", "never@example.org"), report -> {
            assertEquals(Outcome.DEFERRED, report.results().get(0).outcome());
            assertEquals("host " + RELAY_NAME + " said: 452 4.2.2 Over quota (in reply to RCPT TO command)",
                    report.results().get(0).reply());
            assertEquals(Outcome.BOUNCED, report.results().get(1).outcome());
            assertEquals("host " + RELAY_NAME + " said: 550 5.1.1 No such user (in reply to RCPT TO command)",
                    report.results().get(1).reply());
            assertFalse(report.siteFailure());
        });

        assertTrue(relay.messages().isEmpty(), relay.messages().toString());
        // pipelined, DATA went out with the envelope; the server refused it (503: no valid recipients)
        List<String> commands = relay.commands();
        List<String> tail = commands.subList(commands.lastIndexOf("MAIL FROM:<app@example.com>"), commands.size());
        assertEquals(List.of("MAIL FROM:<app@example.com>", "RCPT TO:<later@example.org>",
                "RCPT TO:<never@example.org>", "DATA", "RSET"), tail.subList(0, 5));
    }

    @Test
    void refusedMailFromShouldDeferEveryoneAndLeaveTheSessionReusable() {
        relay.onMailFrom("451 4.3.0 Try again later");

        sameWithAndWithoutPipelining(List.of("a@example.org", "b@example.org"), report -> {
            for (RecipientResult r : report.results()) {
                assertEquals(Outcome.DEFERRED, r.outcome(), r.toString());
                assertEquals("4.3.0", r.dsn());
                assertEquals("host " + RELAY_NAME + " said: 451 4.3.0 Try again later (in reply to MAIL FROM command)",
                        r.reply());
            }
        });
        assertTrue(relay.messages().isEmpty());

        // the same (cached) session takes the next message once the server accepts again
        SmtpClient client = clients.get(clients.size() - 1);
        int connections = relay.connections();
        relay.onMailFrom(null);
        DeliveryReport next = deliver(client, List.of("a@example.org"));
        assertEquals(Outcome.SENT, next.results().get(0).outcome(), next.toString());
        assertEquals(connections, relay.connections());
        assertEquals(List.of("MAIL FROM:<app@example.com>", "RCPT TO:<a@example.org>", "DATA"), lastBatch());
    }

    @Test
    void reusedConnectionShouldPipelineEveryTransaction() {
        SmtpClient client = client(Map.of());
        for (int i = 0; i < 3; i++) {
            DeliveryReport report = deliver(client, List.of("a@example.org", "b@example.org"));
            assertEquals(Outcome.SENT, report.results().get(1).outcome(), report.toString());
            assertEquals(List.of("MAIL FROM:<app@example.com>", "RCPT TO:<a@example.org>", "RCPT TO:<b@example.org>",
                    "DATA"), lastBatch());
        }
        assertEquals(1, relay.connections());
        assertEquals(3, relay.awaitMessages(3, WAIT).size());
    }

    @Test
    void deadCachedConnectionShouldBeReplacedWithoutLosingTheMessage() {
        SmtpClient client = client(Map.of());
        assertEquals(Outcome.SENT, deliver(client, List.of("a@example.org")).results().get(0).outcome());
        relay.dropConnections();                     // as a server's idle timer would

        DeliveryReport report = deliver(client, List.of("a@example.org"));

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
        assertEquals(2, relay.connections());
        assertEquals(2, relay.awaitMessages(2, WAIT).size());
    }

    @Test
    void lostConnectionShouldNameTheCommandWhoseReplyWasAwaited() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // a server that reads the whole pipelined batch, answers MAIL FROM and the first RCPT TO, and hangs up
            Thread peer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    out.write("220 raw.example.net ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    in.readLine();
                    out.write("250-raw.example.net\r\n250 PIPELINING\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.equals("DATA"); line = in.readLine()) {
                        // the batch: nothing is answered before DATA has arrived
                    }
                    out.write("250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // the client went away: the assertions below tell
                }
            }, "raw-smtp-peer");
            peer.start();

            DeliveryReport report = client(Map.of()).deliver(Nexthop.parse("[127.0.0.1]:" + server.getLocalPort()),
                    "app@example.com", List.of("never@example.org", "a@example.org"),
                    MessageSource.of(MESSAGE.getBytes(StandardCharsets.UTF_8)));
            peer.join(WAIT.toMillis());

            assertEquals(new RecipientResult("never@example.org", Outcome.BOUNCED, "5.1.1", "host " + RELAY_NAME
                    + " said: 550 5.1.1 No such user (in reply to RCPT TO command)", "550 5.1.1 No such user"),
                    report.results().get(0));
            assertEquals(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.4.2",
                    "lost connection with " + RELAY_NAME + " while sending RCPT TO"), report.results().get(1));
            assertTrue(report.siteFailure());
        }
    }
}
