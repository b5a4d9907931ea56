package org.postrelay.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.queue.QueueName;
import org.postrelay.testing.Tmpfs;

/**
 * smtpd on a full spool (a small tmpfs, mounted by the test: needs root and mount, as CI has):
 * Postfix's {@code 452 4.3.1 Insufficient system storage}, nothing of the refused message queued,
 * and once space returns the next message is accepted and everything acknowledged is delivered.
 */
class SmtpdDiskFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-F]+)");

    @TempDir
    Path dir;

    private Sink sink;

    @BeforeEach
    void startSink() throws Exception {
        sink = new Sink();
    }

    @AfterEach
    void stopSink() {
        sink.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFullSpoolShouldGet452AndRecoverWhenSpaceReturns() throws Exception {
        try (Tmpfs tmpfs = Tmpfs.mount(dir.resolve("mnt"), "4m")) {
            Set<String> acknowledged = new TreeSet<>();
            try (Relay relay = Relay.start(dir, sink, Map.of("queue_directory", tmpfs.path().resolve("spool").toString()));
                 SmtpTalk c = new SmtpTalk(relay.address())) {
                c.reply();
                c.command("EHLO client.example");
                assertTrue(QUEUED.matcher(data(c, 1, 100)).matches());
                sink.await(1, WAIT);
                tmpfs.fill();
                String refused = null;
                for (int i = 2; i < 2000 && refused == null; i++) {
                    String reply = data(c, i, 8192);
                    Matcher m = QUEUED.matcher(reply);
                    if (m.matches()) {
                        acknowledged.add(m.group(1));
                    } else {
                        refused = reply;
                    }
                }
                assertEquals("452 4.3.1 Insufficient system storage", refused);
                assertEquals("250 2.0.0 Ok", c.command("RSET"), "the session goes on");
                Set<String> queued = new HashSet<>();
                for (QueueName queue : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)) {
                    relay.master().spool().forEach(queue, id -> queued.add(id.toString()));
                }
                queued.removeAll(acknowledged);
                assertEquals(Set.of(), queued, "queue files of refused messages");
                assertTrue(relay.maillog().contains("warning: cannot queue a message: "), relay.maillog());

                tmpfs.free();
                String again = data(c, 9999, 100);
                Matcher m = QUEUED.matcher(again);
                assertTrue(m.matches(), "once space returns the next message is accepted: " + again);
                acknowledged.add(m.group(1));
                sink.await(1 + acknowledged.size(), WAIT);
            }
        }
    }

    private static String data(SmtpTalk c, int n, int size) throws Exception {
        c.send("MAIL FROM:<app@example.com>\r\nRCPT TO:<disk@example.net>\r\nDATA\r\n");
        assertEquals("250 2.1.0 Ok", c.reply());
        assertEquals("250 2.1.5 Ok", c.reply());
        assertEquals("354 End data with <CR><LF>.<CR><LF>", c.reply());
        c.send("Subject: disk " + n + "\r\n\r\n" + "x".repeat(size) + "\r\n.\r\n");
        return c.reply();
    }
}
