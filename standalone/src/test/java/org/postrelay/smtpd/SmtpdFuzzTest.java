package org.postrelay.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.testing.Fuzz;

/**
 * Fuzzes smtpd's command parsing through a real socket (src/docs/reliability.md, "Bad input"):
 * whole SMTP sessions (several transactions: EHLO, MAIL with SIZE and BODY, RCPT with quoted
 * local parts, DATA, RSET, VRFY, NOOP, QUIT), mutated byte by byte and token by token, are written
 * to smtpd in front of a real engine. Properties: every reply is a well-formed SMTP reply; no
 * command handler throws (SubEthaSMTP would answer "421 4.3.0 Mail system failure" and log it);
 * every session ends within the time limit; unmutated sessions get exactly the expected replies,
 * and their messages reach the relay unchanged. The number of command lines is
 * {@code -Dpostrelay.fuzz.inputs} (10,000; a million with -Pfuzz).
 */
class SmtpdFuzzTest {

    /** A reply line: code, separator, printable ASCII. */
    private static final Pattern REPLY = Pattern.compile("[2-5][0-9][0-9]([ -][\\x20-\\x7e]*)?");
    private static final byte[][] DICTIONARY;

    static {
        List<byte[]> tokens = new ArrayList<>();
        for (String t : new String[] {"MAIL FROM:", "RCPT TO:", "DATA", "EHLO", "HELO", "RSET", "VRFY ", "NOOP",
                "BDAT", "STARTTLS", "AUTH PLAIN", "<", ">", "<>", "\"", "\\", "@", ":", " SIZE=", "SIZE=99999999999",
                "SIZE=-1", " BODY=8BITMIME", " BODY=BINARYMIME", " SMTPUTF8", "\r\n", "\r\n.\r\n", ".", "..", "\u00e9",
                "xn--", "[127.0.0.1]", "[IPv6:::1]", "@a,@b:", "%", "!", "postmaster", "  "}) {
            tokens.add(t.getBytes(StandardCharsets.UTF_8));
        }
        DICTIONARY = tokens.toArray(new byte[0][]);
    }

    @TempDir
    Path tmp;

    /** A valid session and the replies it must get. */
    record Session(String text, List<String> replies, List<String> subjects) {
    }

    static Session validSession(Random r, int serial) {
        StringBuilder s = new StringBuilder("EHLO client.example\r\n");
        List<String> replies = new ArrayList<>(List.of("220", "250"));
        List<String> subjects = new ArrayList<>();
        for (int t = 0, n = 1 + r.nextInt(3); t < n; t++) {
            String[] senders = {"<app@example.com>", "<>", "<\"john doe\"@example.com>", "app@example.com"};
            s.append("MAIL FROM:").append(senders[r.nextInt(senders.length)])
                    .append(r.nextBoolean() ? " SIZE=" + (100 + r.nextInt(900)) : "")
                    .append(r.nextBoolean() ? " BODY=8BITMIME" : "").append("\r\n");
            replies.add("250 2.1.0 Ok");
            for (int i = 0, k = 1 + r.nextInt(2); i < k; i++) {
                s.append("RCPT TO:<").append(i == 0 ? "user" + r.nextInt(100) : "\"a b\\\"c\"").append("@example.net>\r\n");
                replies.add("250 2.1.5 Ok");
            }
            for (int i = 0, k = r.nextInt(12); i < k; i++) {      // more commands per message: cheaper lines
                String[][] others = {{"NOOP", "250 2.0.0 Ok"}, {"VRFY user@example.net", "252 2.0.0 user@example.net"},
                    {"VRFY <\"john doe\"@example.net>", "252 2.0.0 \"john doe\"@example.net"},
                    {"HELP", "502 5.5.2 Error: command not recognized"}, {"BDAT 10 LAST", "502 5.5.1 Error: command not implemented"},
                    {"MAIL FROM:<a@example.com>", "503 5.5.1 Error: nested MAIL command"},
                    {"RCPT TO:<x@example.net> NOTIFY=NEVER", "555 5.5.4 Unsupported option: NOTIFY=NEVER"}};
                String[] other = others[r.nextInt(others.length)];
                s.append(other[0]).append("\r\n");
                replies.add(other[1]);
            }
            String subject = "fuzz-" + serial + "-" + t;
            subjects.add(subject);
            s.append("DATA\r\nSubject: ").append(subject).append("\r\nFrom: app@example.com\r\n\r\nline one\r\n"
                    + "..a dotted line\r\n\r\nlast line\r\n.\r\n");
            replies.add("354 End data with <CR><LF>.<CR><LF>");
            replies.add("250 2.0.0 Ok: queued as");
            if (r.nextInt(3) == 0) {
                s.append("RSET\r\n");
                replies.add("250 2.0.0 Ok");
            }
        }
        s.append("QUIT\r\n");
        replies.add("221 2.0.0 Bye");
        return new Session(s.toString(), replies, subjects);
    }

    @Test
    void mutatedSessionsGetWellFormedRepliesAndNoHandlerFails() throws Exception {
        long seed = Long.getLong("postrelay.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        int wanted = Fuzz.inputs();
        List<String> libraryErrors = new ArrayList<>();
        Logger library = Logger.getLogger("org.subethamail");
        Handler errors = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    synchronized (libraryErrors) {
                        libraryErrors.add(record.getMessage() + ": " + record.getThrown());
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        library.addHandler(errors);
        Level libraryLevel = library.getLevel();
        long lines = 0;
        int sessions = 0;
        int valid = 0;
        int cutShort = 0;
        int ffEnded = 0;
        List<String> subjects = new ArrayList<>();
        long start = System.nanoTime();
        // The spool in memory where there is a tmpfs: a million lines queue thousands of messages,
        // and the fsyncs are not what is tested here.
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "smtpd-fuzz") : tmp;
        try (Sink sink = new Sink(); Relay relay = Relay.start(dir, sink, Map.of("smtpd_timeout", "20s"))) {
            library.setLevel(Level.WARNING);            // and the library's "Exception during SMTP transaction"
            while (lines < wanted) {
                Session session = validSession(random, sessions);
                boolean mutate = random.nextInt(20) != 0;
                byte[] input = session.text().getBytes(StandardCharsets.UTF_8);
                if (mutate) {
                    input = Fuzz.mutate(input, random, DICTIONARY);
                    if (random.nextInt(5) != 0) {
                        input = pairLineEnds(input);        // else most sessions end at the library's 501
                    }
                    // end any DATA the mutations left open, then leave
                    input = Fuzz.splice(input, input.length, 0, "\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                long before = lines;
                lines += count(input);
                sessions++;
                if (lines / 50_000 != before / 50_000) {
                    System.out.printf("FUZZ smtpd: %d command lines so far, %.1f s%n", lines, (System.nanoTime() - start) / 1e9);
                }
                List<String> replies;
                try {
                    replies = talk(relay, input);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("seed " + seed + ": smtpd did not end the session within 30 s: "
                            + Fuzz.show(input));
                }
                for (String reply : replies) {
                    assertTrue(REPLY.matcher(reply).matches(), "seed " + seed + ": malformed reply \"" + reply
                            + "\" to " + Fuzz.show(input));
                    // SubEthaSMTP's UTF-8 reader takes a 0xFF byte inside a multi-byte sequence for the
                    // end of input: it answers 421 4.4.0 and closes instead of 501 (a library wart: the
                    // session ends either way, nothing is queued). Any other 421 4.4.0 is ours.
                    boolean libraryEof = reply.startsWith("421 4.4.0") && ffInSequence(input);
                    if (libraryEof) {
                        ffEnded++;
                    }
                    assertTrue(libraryEof || !reply.startsWith("421 4.3.0") && !reply.startsWith("421 4.4.0"),
                            "seed " + seed + ": a command failed inside smtpd: \"" + reply + "\" for " + Fuzz.show(input)
                                    + "; replies " + replies + "; library log " + libraryErrors);
                }
                if (replies.size() > 0 && replies.get(replies.size() - 1).startsWith("501 ")) {
                    cutShort++;                     // bare CR or LF, bad UTF-8, overlong line: the library closes
                }
                synchronized (libraryErrors) {
                    assertTrue(libraryErrors.isEmpty(), "seed " + seed + ": " + libraryErrors + " for " + Fuzz.show(input));
                }
                if (!mutate) {
                    valid++;
                    subjects.addAll(session.subjects());
                    List<String> codes = replies.stream().map(x -> x.startsWith("250 2.0.0 Ok: queued as")
                            ? "250 2.0.0 Ok: queued as" : x.startsWith("220 ") ? "220" : x.startsWith("250-") ? null : x)
                            .filter(x -> x != null).toList();
                    List<String> expected = new ArrayList<>(session.replies());
                    expected.set(1, "250 8BITMIME");        // the last line of the EHLO reply
                    assertEquals(expected, codes, "seed " + seed + ": replies to a valid session " + session.text());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // The unmutated sessions' messages arrive as they were sent.
            List<Sink.Message> arrived = sink.await(m -> m.stream().map(Sink.Message::content)
                    .filter(c -> c.contains("Subject: fuzz-")).count() >= subjects.size() || subjects.isEmpty(),
                    Duration.ofSeconds(120), "the valid sessions' messages");
            for (String subject : subjects) {
                Sink.Message m = arrived.stream().filter(x -> x.content().contains("Subject: " + subject + "\r\n"))
                        .findFirst().orElseThrow(() -> new AssertionError("not relayed: " + subject));
                assertTrue(m.content().endsWith("\r\nline one\r\n.a dotted line\r\n\r\nlast line\r\n"), m.content());
            }
            System.out.printf("FUZZ smtpd: %d command lines in %d sessions (%d unmutated, %d ended by the library's"
                    + " 501 on a bare CR/LF, bad UTF-8 or long line, %d by its 421 on a 0xFF in a UTF-8 sequence) in %.1f s,"
                    + " seed %d; %d messages relayed%n",
                    lines, sessions, valid, cutShort, ffEnded, seconds, seed, sink.messages().size());
        } finally {
            library.removeHandler(errors);
            library.setLevel(libraryLevel);
            if (!dir.equals(tmp)) {
                try (var all = Files.walk(dir)) {
                    for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** Every lone CR or LF made a CRLF: the library closes the session on a bare one (501). */
    private static byte[] pairLineEnds(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length + 16);
        for (int i = 0; i < input.length; i++) {
            byte b = input[i];
            if (b == '\r' && i + 1 < input.length && input[i + 1] == '\n') {
                out.write('\r');
                out.write('\n');
                i++;
            } else if (b == '\r' || b == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** Whether a 0xFF byte follows a UTF-8 lead byte (where the library reads it as end of input). */
    private static boolean ffInSequence(byte[] input) {
        for (int i = 1; i < input.length; i++) {
            if (input[i] == (byte) 0xff) {
                for (int back = 1; back <= 3 && i - back >= 0; back++) {
                    if ((input[i - back] & 0xc0) == 0xc0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static long count(byte[] input) {
        long n = 0;
        for (byte b : input) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Writes the whole session, half-closes, and reads every reply line until smtpd closes. */
    private static List<String> talk(Relay relay, byte[] input) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(30_000);
            socket.connect(relay.address(), 10_000);
            Thread writer = new Thread(() -> {
                try {
                    socket.getOutputStream().write(input);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // smtpd closed first (after QUIT or a 501): what it answered is what counts
                }
            });
            writer.start();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    all.write(buffer, 0, n);
                }
            } catch (java.net.SocketException e) {
                // reset after smtpd closed with input unread: the replies before it count
            }
            try {
                writer.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> replies = new ArrayList<>();
            for (String line : all.toString(StandardCharsets.UTF_8).split("\r\n")) {
                if (!line.isEmpty()) {
                    replies.add(line);
                }
            }
            return replies;
        }
    }
}
