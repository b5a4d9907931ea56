package org.postrelay.pickup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.ScriptedSmtpServer.ReceivedMessage;
import org.postrelay.testing.TestEngine;
import org.postrelay.testing.Tmpfs;

/** src/bin/sendmail as scripts call it, one process per message, into a running engine's maildrop. */
class SendmailCommandIT {

    private static final Path SENDMAIL = Path.of("..", "src", "bin", "sendmail").toAbsolutePath().normalize();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private ScriptedSmtpServer relay;
    private TestEngine engine;
    private Path conf;

    @BeforeEach
    void start() throws Exception {
        relay = ScriptedSmtpServer.start();
        engine = TestEngine.start(dir, relay, Map.of("message_size_limit", "20000"));
        conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("main.cf"), "# as an admin writes it\nqueue_directory = " + dir.resolve("spool") + "\n");
    }

    @AfterEach
    void stop() {
        engine.close();
        relay.close();
    }

    private record Run(int status, String err) {}

    private Run sendmail(String input, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SENDMAIL.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("err").toFile());
        builder.environment().put("MAIL_CONFIG", conf.toString());
        builder.environment().put("LOGNAME", "batch");
        Process p = builder.start();
        try (java.io.OutputStream stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException exitedFirst) {
            // a command that refuses its arguments exits without reading its input (broken pipe)
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sendmail did not finish");
        return new Run(p.exitValue(), Files.readString(dir.resolve("err")));
    }

    @Test
    void aFullOrUnwritableSpoolShouldExitTempfailLeavingNothingAndRecover() throws Exception {
        try (Tmpfs tmpfs = Tmpfs.mount(dir.resolve("mnt"), "4m")) {
            Path spool = tmpfs.path().resolve("spool");
            try (TestEngine onTmpfs = TestEngine.start(dir.resolve("tmpfs-engine"), relay,
                    Map.of("queue_directory", spool.toString()))) {
                conf = Files.createDirectories(dir.resolve("tmpfs-conf"));
                Files.writeString(conf.resolve("main.cf"), "queue_directory = " + spool + "\n");
                Path maildrop = spool.resolve("maildrop");
                String big = "Subject: big\n\n" + "x".repeat(99).concat("\n").repeat(1000);

                tmpfs.fill();
                Run full = sendmail(big, "-f", "app@example.com", "full@example.org");
                assertEquals(75, full.status(), full.err());
                assertTrue(full.err().matches("(?s)sendmail: fatal: cannot write " + maildrop
                        + "/\\S+: No space left on device \\(is queue_directory full or not writable\\?\\)\n"), full.err());
                assertEquals(List.of(), list(maildrop), "nothing half-written stays in maildrop/");
                tmpfs.free();

                tmpfs.makeUnwritable(maildrop);
                Run unwritable = sendmail("Subject: ro\n\nbody\n", "-f", "app@example.com", "ro@example.org");
                tmpfs.makeWritable(maildrop);
                assertEquals(75, unwritable.status(), unwritable.err());
                assertTrue(unwritable.err().contains(": Operation not permitted (is queue_directory full or not writable?)"),
                        unwritable.err());
                assertEquals(List.of(), list(maildrop));

                Run ok = sendmail("Subject: after\n\nbody\n", "-f", "app@example.com", "after@example.org");
                assertEquals(0, ok.status(), ok.err());
                ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
                assertEquals(List.of("after@example.org"), m.recipients(), "only the message sent after the faults");
            }
        }
    }

    private static List<Path> list(Path directory) throws java.io.IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    @Test
    void aMessageShouldReachTheRelayWithTheEnvelopeGiven() throws Exception {
        Run run = sendmail("Subject: report\nTo: someone@example.org\n\nline one\n.\nnot part of it\n",
                "-f", "reports@example.com", "ops@example.org");
        assertEquals(new Run(0, ""), run);
        ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
        assertEquals("reports@example.com", m.sender());
        assertEquals(List.of("ops@example.org"), m.recipients(), "without -t the headers give no recipients");
        assertTrue(m.text().contains("\r\nline one\r\n") && !m.text().contains("not part of it"),
                "a lone dot ends the message without -i: " + m.text());
        engine.await("maildrop emptied", WAIT, () -> maildropFiles() == 0);
        assertTrue(engine.maillog().matches("(?s).*postrelay/pickup\\[\\d+\\]: [0-9A-F]{18}: uid=\\d+ from=<reports@example.com>.*"),
                engine.maillog());
    }

    @Test
    void dashTShouldTakeRecipientsFromTheHeadersAndDashIKeepLoneDots() throws Exception {
        assertEquals(0, sendmail("From: Batch <batch@example.com>\nTo: a@example.org, B <b@example.org>\n"
                + "Cc: c@example.org\nBcc: hidden@example.org\nSubject: t\n\nfirst\n.\nlast\n", "-t", "-i").status);
        ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
        assertEquals(List.of("a@example.org", "b@example.org", "c@example.org", "hidden@example.org"),
                m.recipients().stream().sorted().toList());
        assertEquals("batch@example.com", m.sender(), "the login name qualified with myorigin");
        assertFalse(m.text().contains("Bcc:"), "Bcc never leaves");
        assertTrue(m.text().contains("\r\nfirst\r\n.\r\nlast\r\n"), "-i keeps the lone dot: " + m.text());
    }

    @Test
    void aFullNameShouldMakeTheFromHeader() throws Exception {
        assertEquals(0, sendmail("Subject: hi\n\nbody\n", "-F", "Nightly Batch", "-r", "batch@example.com",
                "ops@example.org").status);
        ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
        assertEquals("batch@example.com", m.sender(), "-r is -f, as in Postfix");
        assertTrue(m.text().contains("From: Nightly Batch <batch@example.com>\r\n"));
    }

    @Test
    void aRefusedMessageShouldBeReturnedToItsSender() throws Exception {
        assertEquals(0, sendmail("Subject: big\n\n" + "x".repeat(30_000) + "\n", "-f", "batch@example.com",
                "ops@example.org").status);
        ReceivedMessage notice = relay.awaitMessages(1, WAIT).get(0);
        assertEquals("", notice.sender());
        assertEquals(List.of("batch@example.com"), notice.recipients());
        assertTrue(notice.text().contains("message_size_limit"), notice.text());
        engine.await("maildrop emptied", WAIT, () -> maildropFiles() == 0);
    }

    @Test
    void usageErrorsShouldBeFatalWithPostfixsWords() throws Exception {
        Run none = sendmail("Subject: x\n\n");
        assertEquals(64, none.status);
        assertEquals("sendmail: fatal: Recipient addresses must be specified on the command line or via the -t option\n",
                none.err);
        Files.writeString(conf.resolve("main.cf"), "queue_directory = " + dir.resolve("no-such-spool") + "\n");
        Run noSpool = sendmail("Subject: x\n\n", "ops@example.org");
        assertEquals(75, noSpool.status);
        assertTrue(noSpool.err.startsWith("sendmail: fatal: chdir " + dir.resolve("no-such-spool/maildrop")), noSpool.err);
    }

    private long maildropFiles() {
        try (Stream<Path> files = Files.list(dir.resolve("spool").resolve("maildrop"))) {
            return files.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
