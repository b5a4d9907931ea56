package org.postrelay.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postrelay.testing.FaultySmtpServer;
import org.postrelay.testing.FaultySmtpServer.Fault;
import org.postrelay.testing.FaultySmtpServer.Step;
import org.postrelay.testing.TestEngine;

/**
 * Each way a relay can fail, through the whole engine against a real server on loopback: the mail
 * log's delivery line (dsn, status, reason) and the notice returned to the sender say what Postfix's
 * would (smtp_trouble.c, smtp_proto.c texts). maximal_queue_lifetime = 0 makes a deferred message
 * return to its sender at its first failure (Postfix's meaning of 0), so that every case shows its
 * reason in a bounce too. SmtpClientTest covers the client's side of some of these alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HOST = "127.0.0.1[127.0.0.1]";
    private static final String SENDER = "app@example.com";
    private static final String RCPT = "r@example.org";

    @TempDir
    Path dir;

    /** Step, fault, expected status, dsn, reason, the server's reply as the bounce's Diagnostic-Code (null: X-Postfix). */
    static Stream<Arguments> faults() {
        String said = "host " + HOST + " said: ";
        return Stream.of(
                Arguments.of(Step.MAIL, Fault.reply("451 4.3.0 Try again later"), "deferred", "4.3.0",
                        said + "451 4.3.0 Try again later (in reply to MAIL FROM command)", "451 4.3.0 Try again later"),
                Arguments.of(Step.RCPT, Fault.reply("450 4.2.0 Mailbox busy"), "deferred", "4.2.0",
                        said + "450 4.2.0 Mailbox busy (in reply to RCPT TO command)", "450 4.2.0 Mailbox busy"),
                Arguments.of(Step.DATA, Fault.reply("451 4.3.1 Insufficient system storage"), "deferred", "4.3.1",
                        said + "451 4.3.1 Insufficient system storage (in reply to DATA command)",
                        "451 4.3.1 Insufficient system storage"),
                Arguments.of(Step.END_OF_DATA, Fault.reply("452 4.3.1 Out of space"), "deferred", "4.3.1",
                        said + "452 4.3.1 Out of space (in reply to end of DATA command)", "452 4.3.1 Out of space"),
                Arguments.of(Step.MAIL, Fault.reply("553 5.7.1 Sender not allowed"), "bounced", "5.7.1",
                        said + "553 5.7.1 Sender not allowed (in reply to MAIL FROM command)",
                        "553 5.7.1 Sender not allowed"),
                Arguments.of(Step.RCPT, Fault.reply("550 5.1.1 No such user"), "bounced", "5.1.1",
                        said + "550 5.1.1 No such user (in reply to RCPT TO command)", "550 5.1.1 No such user"),
                Arguments.of(Step.DATA, Fault.reply("554 5.5.1 No valid recipients"), "bounced", "5.5.1",
                        said + "554 5.5.1 No valid recipients (in reply to DATA command)", "554 5.5.1 No valid recipients"),
                Arguments.of(Step.END_OF_DATA, Fault.reply("554 5.7.1 Message rejected as spam"), "bounced", "5.7.1",
                        said + "554 5.7.1 Message rejected as spam (in reply to end of DATA command)",
                        "554 5.7.1 Message rejected as spam"),
                Arguments.of(Step.GREETING, Fault.replyThenHangUp("421 4.3.2 Service not available"), "deferred",
                        "4.3.2", "host " + HOST + " refused to talk to me: 421 4.3.2 Service not available",
                        "421 4.3.2 Service not available"),
                Arguments.of(Step.RCPT, Fault.replyThenHangUp("421 4.7.0 Too many errors, closing"), "deferred",
                        "4.7.0", said + "421 4.7.0 Too many errors, closing (in reply to RCPT TO command)",
                        "421 4.7.0 Too many errors, closing"),
                Arguments.of(Step.MAIL, Fault.replyThenHangUp("421 4.4.2 Timeout exceeded"), "deferred", "4.4.2",
                        said + "421 4.4.2 Timeout exceeded (in reply to MAIL FROM command)", "421 4.4.2 Timeout exceeded"),
                Arguments.of(Step.RCPT, Fault.silentHangUp(), "deferred", "4.4.2",
                        "lost connection with " + HOST + " while sending RCPT TO", null),
                Arguments.of(Step.END_OF_DATA, Fault.silentHangUp(), "deferred", "4.4.2",
                        "lost connection with " + HOST + " while sending end of data -- message may be sent more than once",
                        null),
                Arguments.of(Step.DATA, Fault.readNothing(), "deferred", "4.4.2",
                        "conversation with " + HOST + " timed out while sending message body", null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("faults")
    void faultShouldEndAsPostfixEndsIt(Step step, Fault fault, String status, String dsn, String reason,
                                       String serverReply) throws Exception {
        try (FaultySmtpServer relay = FaultySmtpServer.start(Map.of(step, fault));
             TestEngine engine = TestEngine.start(dir, relay.relayhost(), Map.of("maximal_queue_lifetime", "0",
                     "smtp_data_xfer_timeout", "2s"), null)) {
            // the body must outgrow the socket buffers for a server that stops reading to block us
            String body = fault.stopReading() ? "x".repeat(76) + "\r\n" : "";
            String message = "Subject: fault\r\n\r\n" + body.repeat(fault.stopReading() ? 120_000 : 0) + "hello\r\n";
            String id = engine.send(SENDER, List.of(RCPT), message);

            engine.await("the message is gone", WAIT, () -> engine.maillog().contains(id + ": removed"));
            String log = engine.maillog();
            Matcher line = Pattern.compile(Pattern.quote(id) + ": to=<" + Pattern.quote(RCPT) + ">, relay=(\\S+), "
                    + "delay=[0-9.]+, delays=[0-9./]+, dsn=([0-9.]+), status=(\\w+) \\((.*)\\)\n").matcher(log);
            assertTrue(line.find(), log);
            assertEquals(HOST + ":" + relay.port(), line.group(1), log);
            assertEquals(dsn, line.group(2), log);
            assertEquals(status, line.group(3), log);
            assertEquals(reason, line.group(4), log);
            if (status.equals("deferred")) {
                assertTrue(log.contains(id + ": from=<" + SENDER + ">, status=expired, returned to sender"), log);
            }
            assertTrue(relay.messagesFrom(SENDER).isEmpty(), "the relay never acknowledged the message");

            String notice = awaitBounce(relay, engine).text();
            assertTrue(notice.contains("Subject: Undelivered Mail Returned to Sender"), notice);
            assertTrue(notice.contains("<" + RCPT + ">: " + reason), notice);
            assertTrue(notice.contains("Final-Recipient: rfc822; " + RCPT), notice);
            assertTrue(notice.contains("Action: failed"), notice);
            assertTrue(notice.contains("Status: " + dsn), notice);
            assertTrue(notice.contains("Diagnostic-Code: " + (serverReply == null ? "X-Postfix; " + reason
                    : "smtp; " + serverReply)), notice);
        }
    }

    private static FaultySmtpServer.Received awaitBounce(FaultySmtpServer relay, TestEngine engine) {
        engine.await("the notice reaches the relay", WAIT, () -> !relay.messagesFrom("").isEmpty());
        FaultySmtpServer.Received bounce = relay.messagesFrom("").get(0);
        assertEquals(List.of(SENDER), bounce.recipients());
        return bounce;
    }
}
