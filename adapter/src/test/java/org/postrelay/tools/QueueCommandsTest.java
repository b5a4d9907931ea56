package org.postrelay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;
import org.postrelay.queue.SpoolWriter;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.TestEngine;

/** mailq/postqueue/postsuper on a real spool, with the engine running and stopped. */
class QueueCommandsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {}

    private Path config(Path spool) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("main.cf"), "queue_directory = " + spool + "\n");
        return conf;
    }

    private static Result postqueue(Path conf, String... args) {
        return capture((out, err) -> Postqueue.run(List.of(args), Map.of("MAIL_CONFIG", conf.toString()), out, err));
    }

    private static Result mailq(Path conf) {
        return capture((out, err) -> Mailq.run(List.of(), Map.of("MAIL_CONFIG", conf.toString()), out, err));
    }

    private static Result postsuper(Path conf, String... args) {
        return capture((out, err) -> Postsuper.run(List.of(args), Map.of("MAIL_CONFIG", conf.toString()),
                new ByteArrayInputStream(new byte[0]), err));
    }

    private interface Command {
        int run(PrintStream out, PrintStream err);
    }

    private static Result capture(Command command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = command.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static QueueId queue(Spool spool, String sender, List<String> recipients, int size, Instant arrival)
            throws Exception {
        try (SpoolWriter w = spool.create(sender, recipients, Map.of(), arrival, null)) {
            w.content().write("x".repeat(size).getBytes(StandardCharsets.US_ASCII));
            return w.commit();
        }
    }

    /** Postfix's showq_compat.c layout (long queue ids), character for character. */
    @Test
    void mailqLayoutShouldBePostfixsLineForLine() throws Exception {
        Path spoolDir = dir.resolve("spool");
        QueueId deferred;
        QueueId held;
        try (Spool spool = Spool.open(spoolDir)) {
            deferred = queue(spool, "app@example.com", List.of("a@example.org", "b@example.org", "c@example.org"),
                    1500, Instant.parse("2026-11-02T03:04:05Z"));
            spool.writeDeferReasons(deferred, Map.of("a@example.org", "connect to mx.example.org[192.0.2.1]:25: Connection refused",
                    "b@example.org", "connect to mx.example.org[192.0.2.1]:25: Connection refused"));
            spool.move(deferred, QueueName.INCOMING, QueueName.DEFERRED);
            held = queue(spool, "", List.of("app@example.com"), 700, Instant.parse("2026-11-29T15:00:00Z"));
            spool.move(held, QueueName.INCOMING, QueueName.HOLD);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Showq.printCompat(Showq.list(spool), ZoneOffset.UTC, new PrintStream(out, true, StandardCharsets.UTF_8));
            String pad47 = " ".repeat(47);
            String reason = "(connect to mx.example.org[192.0.2.1]:25: Connection refused)";
            assertEquals("----Queue ID----- --Size-- ---Arrival Time---- --Sender/Recipient------\n"
                    + deferred + "     1500 Mon Nov  2 03:04:05 app@example.com\n"
                    + " ".repeat(78 - reason.length()) + reason + "\n"
                    + pad47 + "a@example.org\n"
                    + pad47 + "b@example.org\n"
                    + " ".repeat(76 - "reason unavailable".length()) + "(reason unavailable)\n"
                    + pad47 + "c@example.org\n"
                    + "\n"
                    + held + "!      700 Sun Nov 29 15:00:00 MAILER-DAEMON\n"
                    + pad47 + "app@example.com\n"
                    + "\n"
                    + "-- 2 Kbytes in 2 Requests.\n", out.toString(StandardCharsets.UTF_8));
        }
        Path conf = config(spoolDir);
        Result json = postqueue(conf, "-j");
        assertEquals(0, json.status, json.err);
        assertEquals(List.of(
                "{\"queue_name\": \"deferred\", \"queue_id\": \"" + deferred + "\", \"arrival_time\": " + Instant.parse("2026-11-02T03:04:05Z").getEpochSecond() + ", "
                        + "\"message_size\": 1500, \"force_expired\": false, \"sender\": \"app@example.com\", \"recipients\": ["
                        + "{\"address\": \"a@example.org\", \"delay_reason\": \"connect to mx.example.org[192.0.2.1]:25: Connection refused\"}, "
                        + "{\"address\": \"b@example.org\", \"delay_reason\": \"connect to mx.example.org[192.0.2.1]:25: Connection refused\"}, "
                        + "{\"address\": \"c@example.org\"}]}",
                "{\"queue_name\": \"hold\", \"queue_id\": \"" + held + "\", \"arrival_time\": " + Instant.parse("2026-11-29T15:00:00Z").getEpochSecond() + ", "
                        + "\"message_size\": 700, \"force_expired\": false, \"sender\": \"MAILER-DAEMON\", \"recipients\": ["
                        + "{\"address\": \"app@example.com\"}]}"), json.out.lines().toList());
    }

    @Test
    void anEmptyQueueShouldSaySo() throws Exception {
        Files.createDirectories(dir.resolve("spool"));
        Path conf = config(dir.resolve("spool"));
        assertEquals(new Result(0, "Mail queue is empty\n", ""), mailq(conf));
    }

    @Test
    void holdReleaseFlushAndDeleteShouldWorkOnARunningAndAStoppedEngine() throws Exception {
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start().failConnections(true)) {
            TestEngine engine = TestEngine.start(dir, relay, Map.of("minimal_backoff_time", "1h",
                    "maximal_backoff_time", "2h", "queue_run_delay", "1h"));
            Path conf = config(dir.resolve("spool"));
            try {
                String kept = engine.send("app@example.com", List.of("kept@example.org"), "Subject: kept\r\n\r\nhi\r\n");
                String held = engine.send("app@example.com", List.of("held@example.org"), "Subject: held\r\n\r\nhi\r\n");
                engine.await("both deferred", WAIT, () -> engine.count(QueueName.DEFERRED) == 2);
                String listing = mailq(conf).out;
                assertTrue(listing.contains(kept + " ") && listing.contains(held + " ")
                        && listing.contains("-- 0 Kbytes in 2 Requests."), listing);

                Result hold = postsuper(conf, "-h", held);
                assertEquals(new Result(0, "", "postsuper: Placed on hold: 1 message\n"), hold);
                assertTrue(mailq(conf).out.contains(held + "!"), "mailq marks the held message with !");

                relay.failConnections(false);
                assertEquals(0, postqueue(conf, "-f").status);
                relay.awaitMessages(1, WAIT);
                engine.await("the flushed message delivered", WAIT, () -> engine.count(QueueName.DEFERRED) == 0);
                assertEquals(1, engine.count(QueueName.HOLD), "the held message stays held");
                assertTrue(relay.messages().stream().allMatch(m -> m.recipients().equals(List.of("kept@example.org"))));

                assertEquals(new Result(0, "", "postsuper: Released from hold: 1 message\n"), postsuper(conf, "-H", held));
                assertEquals(0, postqueue(conf, "-f").status);
                relay.awaitMessages(2, WAIT);
                engine.await("the released message delivered", WAIT, () -> engine.queued() == 0);
                assertTrue(engine.maillog().contains(held + ": placed on hold")
                        && engine.maillog().contains(held + ": released from hold"), engine.maillog());

                relay.failConnections(true);
                relay.dropConnections();                 // the cached connection would still work
                engine.send("app@example.com", List.of("late@example.org"), "Subject: late\r\n\r\nhi\r\n");
                engine.await("deferred again", WAIT, () -> engine.count(QueueName.DEFERRED) == 1);
            } finally {
                engine.close();
            }
            Result down = postqueue(conf, "-f");
            assertEquals(Postqueue.UNAVAILABLE, down.status);
            assertEquals("postqueue: fatal: Cannot flush mail queue - mail system is down\n", down.err);
            Result delete = postsuper(conf, "-d", "ALL", "deferred");
            assertEquals(0, delete.status, delete.err);
            assertTrue(delete.err.endsWith("postsuper: Deleted: 1 message\n"), delete.err);
            assertEquals("Mail queue is empty\n", mailq(conf).out);
        }
    }

    @Test
    void badInputShouldBeFatalAndNamed() throws Exception {
        Files.createDirectories(dir.resolve("spool"));
        Path conf = config(dir.resolve("spool"));
        assertEquals("postsuper: fatal: invalid queue id: nonsense\n", postsuper(conf, "-d", "nonsense").err);
        assertEquals("postsuper: fatal: invalid directory name: outgoing\n", postsuper(conf, "-d", "ALL", "outgoing").err);
        Result noSpool = postqueue(config(dir.resolve("nowhere")), "-p");
        assertEquals(1, noSpool.status);
        assertEquals("postqueue: fatal: chdir " + dir.resolve("nowhere") + ": No such file or directory\n", noSpool.err);
        assertFalse(Files.exists(dir.resolve("nowhere")), "listing must not create a spool");
    }
}
