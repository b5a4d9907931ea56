package org.postrelay.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.config.ConfigException;
import org.postrelay.master.Master;
import org.postrelay.queue.QueueName;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.ScriptedSmtpServer.ReceivedMessage;
import org.postrelay.testing.TestEngine;

/**
 * local_transport = local end to end through the engine: mbox files in a temporary
 * mail_spool_directory for recipients in mydestination (local.test), everything else relayed to a
 * scripted SMTP server on loopback (where bounces arrive). Users come from this machine's
 * /etc/passwd through the default local_recipient_maps: root exists everywhere.
 */
class LocalDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ASCTIME = "[A-Z][a-z]{2} [A-Z][a-z]{2} [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}";
    private static final String RFC5322_DATE = "[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}"
            + "( \\([A-Z]+\\))?";

    @TempDir
    Path dir;
    private Path mail;
    private ScriptedSmtpServer relay;

    @BeforeEach
    void setUp() throws Exception {
        mail = Files.createDirectory(dir.resolve("mail"));
        relay = ScriptedSmtpServer.start();
    }

    @AfterEach
    void tearDown() {
        relay.close();
    }

    private Map<String, String> local(String... more) {
        Map<String, String> p = new HashMap<>(Map.of("mydestination", "local.test", "local_transport", "local",
                "mail_spool_directory", mail.toString()));
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    private static String message(String subject, String body) {
        return "From: app@example.com\r\nTo: root@local.test\r\nSubject: " + subject + "\r\n"
                + "Date: Wed, 25 Nov 2026 07:11:00 +0000\r\nMessage-ID: <" + subject + "@example.com>\r\n\r\n" + body;
    }

    private static String quoted(String text) {
        return Pattern.quote(text);
    }

    @Test
    void mailShouldBeAppendedToTheMailboxExactlyAsPostfixWritesIt() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, local())) {
            String first = engine.send("app@example.com", List.of("root@local.test"),
                    message("one", "Hello\r\nFrom me\r\nbye\r\n"));
            engine.await("the first is delivered", WAIT, () -> engine.maillog().contains(first + ": removed"));
            String second = engine.send("", List.of("Root@Local.Test"), message("two", "a bounce\r\n"));
            engine.await("the second is delivered", WAIT, () -> engine.maillog().contains(second + ": removed"));

            String mbox = Files.readString(mail.resolve("root"), StandardCharsets.UTF_8);
            String expected = "From app@example.com  " + ASCTIME + "\n"
                    + quoted("Return-Path: <app@example.com>\nX-Original-To: root@local.test\n"
                    + "Delivered-To: root@local.test\n"
                    + "Received: by relay-client.example.com (Postrelay, from api)\n\tid " + first
                    + "\n\tfor <root@local.test>; ") + RFC5322_DATE + "\n"
                    + quoted("From: app@example.com\nTo: root@local.test\nSubject: one\n"
                    + "Date: Wed, 25 Nov 2026 07:11:00 +0000\nMessage-ID: <one@example.com>\n\n"
                    + "Hello\n>From me\nbye\n\n")
                    + "From MAILER-DAEMON  " + ASCTIME + "\n"
                    + quoted("Return-Path: <>\nX-Original-To: Root@Local.Test\nDelivered-To: Root@Local.Test\n"
                    + "Received: by relay-client.example.com (Postrelay, from api)\n\tid " + second
                    + "\n\tfor <Root@Local.Test>; ") + RFC5322_DATE + "\n"
                    + quoted("From: app@example.com\nTo: root@local.test\nSubject: two\n"
                    + "Date: Wed, 25 Nov 2026 07:11:00 +0000\nMessage-ID: <two@example.com>\n\n"
                    + "a bounce\n\n");
            assertTrue(Pattern.compile(expected).matcher(mbox).matches(), "mbox was:\n" + mbox);

            Matcher log = Pattern.compile("postrelay/local\\[\\d+\\]: " + first + ": to=<root@local.test>, relay=local,"
                    + " delay=[\\d.]+, delays=[\\d./]+, dsn=2\\.0\\.0, status=sent \\(delivered to mailbox\\)")
                    .matcher(engine.maillog());
            assertTrue(log.find(), engine.maillog());
            assertTrue(relay.messages().isEmpty(), "nothing went to the relay");
        }
    }

    @Test
    void localColonMyhostnameShouldBeTheSameTransport() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, local("local_transport", "local:$myhostname",
                "recipient_delimiter", "+"))) {
            String id = engine.send("app@example.com", List.of("root+lists@local.test"), message("ext", "x\r\n"));
            engine.await("delivered", WAIT, () -> engine.maillog().contains(id + ": removed"));
            String mbox = Files.readString(mail.resolve("root"));
            assertTrue(mbox.contains("\nDelivered-To: root+lists@local.test\n"), mbox);
        }
    }

    @Test
    void anUnknownUserShouldBeRefusedAtSubmissionAsPostfixSmtpdRefusesIt() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, local())) {
            MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> engine.send(
                    "app@example.com", List.of("someone@example.org", "no-such-user-4711@local.test"),
                    message("x", "x\r\n")));
            assertTrue(e.getMessage().startsWith("550 5.1.1 <no-such-user-4711@local.test>: Recipient address"
                    + " rejected: User unknown in local recipient table"), e.getMessage());
            assertTrue(e.getMessage().endsWith("(no user \"no-such-user-4711\" in local_recipient_maps: unix:passwd.byname)"),
                    e.getMessage());
            assertEquals(0, engine.queued());
        }
    }

    @Test
    void withAnEmptyLocalRecipientMapsEveryNameThatCanBeAFileShouldBeAUser() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, local("local_recipient_maps", ""))) {
            String id = engine.send("app@example.com", List.of("Anyone@local.test"), message("x", "x\r\n"));
            engine.await("delivered", WAIT, () -> engine.maillog().contains(id + ": removed"));
            assertTrue(Files.readString(mail.resolve("anyone")).contains("\nDelivered-To: Anyone@local.test\n"));
            for (String bad : List.of("a/b@local.test", "bob.lock@local.test")) {
                MessageRejectedException e = assertThrows(MessageRejectedException.class,
                        () -> engine.send("app@example.com", List.of(bad), message("x", "x\r\n")));
                assertTrue(e.getMessage().contains("cannot be a mailbox name"), e.getMessage());
            }
            assertEquals(List.of("anyone"), Files.list(mail).map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void anUnknownUserThatReachesDeliveryShouldBounceToTheSender() throws Exception {
        // Queued while local_recipient_maps was empty (and the mailbox directory unusable, so it waits);
        // by the next attempt the admin has restored the default: local(8)'s "unknown user" bounce.
        Path unusable = Files.writeString(dir.resolve("not-a-directory"), "");
        try (TestEngine engine = TestEngine.start(dir, relay, local("local_recipient_maps", "",
                "mail_spool_directory", unusable.toString()))) {
            assertTrue(engine.maillog().contains("postrelay/local[" + ProcessHandle.current().pid() + "]: warning:"
                    + " mail_spool_directory " + unusable + " is not a directory"), engine.maillog());
            String id = engine.send("app@example.com", List.of("no-such-user-4711@local.test"), message("x", "x\r\n"));
            engine.await("deferred", WAIT, () -> engine.maillog().contains(id + ": to=<no-such-user-4711@local.test>,"
                    + " relay=local") && engine.count(QueueName.DEFERRED) == 1);
            assertTrue(engine.maillog().contains("dsn=4.2.0, status=deferred (cannot update mailbox " + unusable
                    + "/no-such-user-4711 for user no-such-user-4711. cannot open file: Not a directory)"),
                    engine.maillog());
        }
        try (TestEngine engine = TestEngine.start(dir, relay, local())) {
            ReceivedMessage bounce = relay.awaitMessages(1, WAIT).get(0);
            assertEquals("", bounce.sender());
            assertEquals(List.of("app@example.com"), bounce.recipients());
            String text = new String(bounce.data(), StandardCharsets.UTF_8);
            assertTrue(text.contains("Diagnostic-Code: X-Postfix; unknown user: \"no-such-user-4711\""), text);
            assertTrue(Pattern.compile("to=<no-such-user-4711@local.test>, relay=local, .*dsn=5\\.1\\.1,"
                    + " status=bounced \\(unknown user: \"no-such-user-4711\"\\)").matcher(engine.maillog()).find(),
                    engine.maillog());
            assertTrue(!text.contains("Remote-MTA"), "no remote MTA for a local delivery:\n" + text);
            engine.await("the queue is empty", WAIT, () -> engine.queued() == 0);
        }
    }

    @Test
    void aFullMailboxShouldBounceWithPostfixsTextAndKeepWhatItHeld() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, local("message_size_limit", "20000",
                "mailbox_size_limit", "20000"))) {
            String first = engine.send("app@example.com", List.of("root@local.test"), message("one", "x".repeat(12000)
                    + "\r\n"));
            engine.await("delivered", WAIT, () -> engine.maillog().contains(first + ": removed"));
            byte[] before = Files.readAllBytes(mail.resolve("root"));
            String second = engine.send("app@example.com", List.of("root@local.test"), message("two", "y".repeat(9000)
                    + "\r\n"));
            ReceivedMessage bounce = relay.awaitMessages(1, WAIT).get(0);
            assertTrue(new String(bounce.data(), StandardCharsets.UTF_8).contains("Status: 5.2.2"));
            assertTrue(engine.maillog().contains(second + ": to=<root@local.test>, relay=local"), engine.maillog());
            assertTrue(engine.maillog().contains("dsn=5.2.2, status=bounced (cannot update mailbox "
                    + mail.resolve("root") + " for user root. error writing message: File too large)"), engine.maillog());
            assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(mail.resolve("root")));
        }
    }

    @Test
    void concurrentMessagesToOneMailboxShouldEachArriveWhole() throws Exception {
        int senders = 10;
        int each = 10;
        try (TestEngine engine = TestEngine.start(dir, relay, local())) {
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            List<Future<String>> ids = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                for (int i = 0; i < each; i++) {
                    String tag = s + "-" + i;
                    ids.add(pool.submit(() -> engine.send("app@example.com", List.of("root@local.test"),
                            message(tag, ("From " + tag + "\r\n").repeat(300) + "end " + tag + "\r\n"))));
                }
            }
            for (Future<String> id : ids) {
                id.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            pool.shutdown();
            engine.await("all delivered", WAIT, () -> engine.queued() == 0);
            String[] messages = Files.readString(mail.resolve("root")).split("(?<=\n)(?=From )");
            assertEquals(senders * each, messages.length);
            Set<String> tags = new HashSet<>();
            for (String m : messages) {
                Matcher subject = Pattern.compile("\nSubject: (\\S+)\n").matcher(m);
                assertTrue(subject.find(), m);
                String tag = subject.group(1);
                assertTrue(tags.add(tag), "once: " + tag);
                String body = m.substring(m.indexOf("\n\n") + 2);
                assertEquals((">From " + tag + "\n").repeat(300) + "end " + tag + "\n\n", body, "message " + tag);
            }
        }
    }

    @Test
    void settingsPostrelayCannotHonourShouldFailTheStartNamingTheParameter() {
        Map<String, String> base = Map.of("queue_directory", dir.resolve("spool").toString(), "local_transport", "local",
                "mail_spool_directory", mail.toString());
        List<Map<String, String>> bad = List.of(
                Map.of("mail_spool_directory", mail + "/"),
                Map.of("mail_spool_directory", "var/mail"),
                Map.of("home_mailbox", "Mailbox"),
                Map.of("mailbox_delivery_lock", "flock"),
                Map.of("mailbox_delivery_lock", ""),
                Map.of("mailbox_delivery_lock", "fcntl, lockf"),
                Map.of("mailbox_size_limit", "1000"),
                Map.of("local_transport", "virtual"));
        List<String> named = List.of("mail_spool_directory", "mail_spool_directory", "home_mailbox",
                "mailbox_delivery_lock", "mailbox_delivery_lock", "mailbox_delivery_lock", "mailbox_size_limit",
                "local_transport");
        for (int i = 0; i < bad.size(); i++) {
            Map<String, String> p = new HashMap<>(base);
            p.putAll(bad.get(i));
            ConfigException e = assertThrows(ConfigException.class, () -> Master.start(p).close(), bad.get(i).toString());
            assertTrue(e.getMessage().contains(named.get(i)), e.getMessage());
        }
    }

    @Test
    void aliasMapsShouldBeAcceptedWithAWarningThatAliasesAreNotExpanded() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, local("alias_maps", "hash:/etc/aliases"))) {
            assertTrue(Pattern.compile("postrelay/local\\[\\d+\\]: warning: alias_maps = hash:/etc/aliases is not"
                    + " supported").matcher(engine.maillog()).find(), engine.maillog());
        }
    }
}
