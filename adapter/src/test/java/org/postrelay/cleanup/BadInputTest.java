package org.postrelay.cleanup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.RelayConnection;
import org.postrelay.queue.QueueName;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.TestEngine;

/**
 * Hostile and odd input through the public API into a real engine relaying to a real SMTP server
 * (src/docs/reliability.md, "Bad input"): CR/LF injection through every parameter, a 50 MB message
 * over message_size_limit, malformed MIME and 8-bit headers, quoted local parts.
 */
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

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

    private MimeMessage message() throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("orders@example.com"));
        m.setRecipients(MimeMessage.RecipientType.TO, "alice@example.org");
        m.setSubject("fine");
        m.setText("body\n");
        return m;
    }

    /** One way to inject a line, and the name the error must give. */
    private record Injection(String parameter, Executable send) {
    }

    @Test
    void crlfThroughEveryApiParameterIsRefusedNamingItAndNothingReachesTheWire() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of());
             RelayConnection c = engine.master().connectionFactory().getConnection()) {
            String evil = "\r\nRCPT TO:<victim@example.net>";
            String header = "\r\nBcc: victim@example.net";
            InputStream body = new ByteArrayInputStream("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
            List<Injection> injections = new ArrayList<>();
            injections.add(new Injection("sender", () -> c.send("a@example.com" + evil, List.of("r@example.org"), body)));
            injections.add(new Injection("sender", () -> c.send("a@example.com\nX", List.of("r@example.org"), body)));
            injections.add(new Injection("sender", () -> c.send("a@example.com\rX", List.of("r@example.org"), body)));
            injections.add(new Injection("recipient", () -> c.send("a@example.com", List.of("r@example.org" + evil), body)));
            injections.add(new Injection("recipient", () -> c.send("a@example.com",
                    List.of("ok@example.org", "<r@example.org>\r\nDATA"), body)));
            injections.add(new Injection("header Subject", () -> {
                MimeMessage m = message();
                m.setHeader("Subject", "hello\nBcc: victim@example.net");
                c.send(m);
            }));
            injections.add(new Injection("header X-Order", () -> {
                MimeMessage m = message();
                m.addHeader("X-Order", "42" + header);
                c.send(m);
            }));
            injections.add(new Injection("header name", () -> {
                MimeMessage m = message();
                m.addHeader("X-Order: 1\r\nBcc", "victim@example.net");
                c.send(m);
            }));
            injections.add(new Injection("header name", () -> {
                MimeMessage m = message();
                m.addHeader("Bad Name", "x");
                c.send(m);
            }));
            injections.add(new Injection("header From", () -> {
                MimeMessage m = message();
                m.setFrom(new InternetAddress("orders@example.com", "Shop" + header));
                c.send(m);
            }));
            injections.add(new Injection("header Reply-To", () -> {
                MimeMessage m = message();
                m.setReplyTo(new InternetAddress[] {new InternetAddress("help@example.com", "Help" + header)});
                c.send(m);
            }));
            injections.add(new Injection("message cannot be read", () -> {   // Jakarta Mail refuses to parse it
                MimeMessage m = message();
                m.setText("body", "utf-8", "plain" + header);
                c.send(m);
            }));
            injections.add(new Injection("header Message-Id", () -> {
                MimeMessage m = new MimeMessage(session) {
                    @Override
                    protected void updateMessageID() throws jakarta.mail.MessagingException {
                        setHeader("Message-ID", "<1@example.com>" + header);
                    }
                };
                m.setFrom(new InternetAddress("orders@example.com"));
                m.setRecipients(MimeMessage.RecipientType.TO, "alice@example.org");
                m.setText("x");
                c.send(m);
            }));
            // Each is refused naming the parameter, or (where Jakarta Mail itself encodes the value, as
            // for a display name) sent with the line break made harmless: checked on the wire below.
            int sent = 0;
            for (Injection injection : injections) {
                try {
                    injection.send().execute();
                    assertTrue(injection.parameter().equals("header From") || injection.parameter().equals("header Reply-To"),
                            injection.parameter() + " was not refused");
                    sent++;
                } catch (MessageRejectedException e) {
                    assertTrue(e.getMessage().contains(injection.parameter()), injection.parameter() + ": " + e.getMessage());
                    assertTrue(e.getMessage().contains("line break") || e.getMessage().contains("header name")
                            || e.getMessage().contains("control character") || e.getMessage().contains("cannot be read"), e.getMessage());
                } catch (Throwable t) {
                    throw new AssertionError(injection.parameter() + ": " + t, t);
                }
            }
            relay.awaitMessages(sent, WAIT);
            for (ScriptedSmtpServer.ReceivedMessage m : relay.messages()) {
                assertEquals(List.of("alice@example.org"), m.recipients());
                String head = m.text().substring(0, m.text().indexOf("\r\n\r\n") + 2);
                assertTrue(!head.contains("\r\nBcc:"), head);
            }
            int before = relay.messages().size();
            // setSubject folds the value itself (MimeUtility.fold): the line break becomes a continuation
            // of Subject, not a header of its own, and it is sent.
            MimeMessage folded = message();
            folded.setSubject("hello" + header);
            c.send(folded);
            ScriptedSmtpServer.ReceivedMessage m = relay.awaitMessages(before + 1, WAIT).get(before);
            assertEquals(List.of("alice@example.org"), m.recipients());
            assertTrue(!m.text().contains("\r\nBcc:") && m.text().contains("Subject: hello\r\n Bcc: victim"), m.text());
            assertTrue(relay.commands().stream().noneMatch(x -> x.contains("victim")), relay.commands().toString());
        }
    }

    /** 50 MB of message lines, made as they are read: nothing of this size is ever in memory. */
    static InputStream fiftyMegabytes() {
        byte[] line = ("x".repeat(76) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] head = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long total = 50L << 20;
        return new InputStream() {
            long at;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, total - at);
                for (int i = 0; i < n; i++, at++) {
                    b[off + i] = at < head.length ? head[(int) at] : line[(int) ((at - head.length) % line.length)];
                }
                return n;
            }
        };
    }

    @Test
    void fiftyMegabytesOverMessageSizeLimitIsRefusedStreamedAndNothingIsLeft() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of());     // message_size_limit 10240000
             RelayConnection c = engine.master().connectionFactory().getConnection()) {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            MessageRejectedException e = assertThrows(MessageRejectedException.class,
                    () -> c.send("app@example.com", List.of("r@example.org"), fiftyMegabytes()));
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertInstanceOf(MessageTooLargeException.class, e);
            assertTrue(e.getMessage().contains("message_size_limit (10240000 bytes)"), e.getMessage());
            // Streamed: the sender's thread never held the message (10 MB would be read before the refusal).
            assertTrue(allocated < 8L << 20, "allocated " + allocated + " bytes for a refused 50 MB message");
            assertEquals(0, engine.queued());
            for (QueueName q : QueueName.values()) {
                Path queue = engine.master().spool().directory().resolve(q.directoryName());
                if (Files.isDirectory(queue)) {
                    try (Stream<Path> files = Files.list(queue)) {
                        assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "left in " + q);
                    }
                }
            }
            c.send("app@example.com", List.of("r@example.org"),
                    new ByteArrayInputStream("Subject: small\r\n\r\nok\r\n".getBytes(StandardCharsets.US_ASCII)));
            relay.awaitMessages(1, WAIT);
            assertTrue(relay.commands().stream().noneMatch(x -> x.contains("big")));
        }
    }

    @Test
    void malformedMimeAndEightBitHeadersAreRelayedByteForByte() throws Exception {
        byte[] latin1 = "X-Latin1: caf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
        String rest = "Subject: =?utf-8?B?bm90IGJhc2U2NCEhIQ?= \u00fcber caf\u00e9\r\n"
                + "From: J\u00f6rg <app@example.com>\r\n"
                + "Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <mime-1@example.com>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"never-closed\r\n"
                + "\r\n"
                + "--not-the-boundary\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + "@@@ not base64 ===\r\n"
                + "--never-closed\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n"
                + "\r\n"
                + "=ZZ broken soft break =\r\n"
                + "\u00e0 8-bit body line\r\n";
        byte[] utf8 = rest.getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[latin1.length + utf8.length];
        System.arraycopy(latin1, 0, content, 0, latin1.length);
        System.arraycopy(utf8, 0, content, latin1.length, utf8.length);
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of());
             RelayConnection c = engine.master().connectionFactory().getConnection()) {
            c.send("app@example.com", List.of("r@example.org"), new ByteArrayInputStream(content));
            byte[] got = relay.awaitMessages(1, WAIT).get(0).data();
            byte[] tail = java.util.Arrays.copyOfRange(got, got.length - content.length, got.length);
            assertArrayEquals(content, tail, new String(got, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void quotedLocalPartsAreRelayedAsWritten() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of());
             RelayConnection c = engine.master().connectionFactory().getConnection()) {
            c.send("\"john doe\"@example.com", List.of("\"a b\"@example.org", "\"x\\\"y\"@example.org", "plain@example.org"),
                    new ByteArrayInputStream("Subject: quoted\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
            ScriptedSmtpServer.ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
            assertEquals("\"john doe\"@example.com", m.sender());
            assertEquals(List.of("\"a b\"@example.org", "\"x\\\"y\"@example.org", "plain@example.org"), m.recipients());
            assertTrue(relay.commands().contains("MAIL FROM:<\"john doe\"@example.com>"), relay.commands().toString());
        }
    }

    @Test
    void idnDomainsAreSentAsALabelsAndANonAsciiLocalPartIsRefusedClearly() throws Exception {
        try (TestEngine engine = TestEngine.start(dir, relay, Map.of());
             RelayConnection c = engine.master().connectionFactory().getConnection()) {
            c.send("app@b\u00fccher.example", List.of("r@m\u00fcnchen.example", "plain@example.org"),
                    new ByteArrayInputStream("Subject: idn\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
            ScriptedSmtpServer.ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
            assertEquals("app@xn--bcher-kva.example", m.sender());
            assertEquals(List.of("r@xn--mnchen-3ya.example", "plain@example.org"), m.recipients());
            MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> c.send("app@example.com",
                    List.of("j\u00f6rg@example.org"), new ByteArrayInputStream(new byte[] {'x'})));
            assertTrue(e.getMessage().contains("recipient \"j\u00f6rg@example.org\" contains non-ASCII characters"),
                    e.getMessage());
            assertEquals(1, relay.messages().size());
        }
    }
}
