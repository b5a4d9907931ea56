package org.postrelay.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50 MB message over {@code message_size_limit} (10240000) through smtpd (src/docs/reliability.md,
 * "Bad input"): refused with Postfix's 552 5.3.4 at MAIL when SIZE announces it, and after the
 * final dot when it does not, read off the wire without being kept, nothing left in the spool.
 */
class SmtpdBadInputTest {

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
    void aFiftyMegabyteMessageIsRefusedAtMailWithSizeAndAfterDataWithoutIt() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of()); SmtpTalk c = new SmtpTalk(relay.address())) {
            c.reply();
            assertTrue(c.command("EHLO client.example").contains("250-SIZE 10240000"));
            assertEquals("552 5.3.4 Message size exceeds fixed limit",
                    c.command("MAIL FROM:<app@example.com> SIZE=" + (50L << 20)));
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<app@example.com>"));
            assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<r@example.net>"));
            assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
            {
                // written in chunks as a client streams it
                OutputStream out = c.outputStream();
                out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = ("x".repeat(1022) + "\r\n").repeat(64).getBytes(StandardCharsets.US_ASCII);
                for (long sent = 0; sent < 50L << 20; sent += chunk.length) {
                    out.write(chunk);
                }
                out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            assertEquals("552 5.3.4 Message size exceeds fixed limit", c.reply());
            assertEquals(0, relay.queued());
            assertEquals("250 2.0.0 Ok", c.command("NOOP"));        // the session is still in step
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<app@example.com>"));
            assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<r@example.net>"));
            assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
            assertTrue(c.command("Subject: small\r\n\r\nok\r\n.").startsWith("250 2.0.0 Ok: queued as "));
            assertEquals(1, sink.await(1, java.time.Duration.ofSeconds(30)).size());
            assertTrue(relay.maillog().contains("reject: END-OF-MESSAGE from "), relay.maillog());
        }
    }
}
