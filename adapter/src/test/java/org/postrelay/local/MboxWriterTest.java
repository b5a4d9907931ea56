package org.postrelay.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class MboxWriterTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 11, 5, 7, 11, 0, 0, ZoneId.of("UTC"));

    private static String mbox(String sender, String recipient, String content) throws IOException {
        return mbox(sender, recipient, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static String mbox(String sender, String recipient, InputStream content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MboxWriter.write(out, sender, recipient, NOW, content);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTheMessageAsPostfixLocalDoes() throws Exception {
        String content = "Subject: hi\r\n\r\nFrom me\r\nFrom\r\n>From you\r\nfrom them\r\n From here\r\nbye\r\n";
        assertEquals("From app@example.com  Thu Nov  5 07:11:00 2026\n"
                + "Return-Path: <app@example.com>\n"
                + "X-Original-To: bob+news@local.test\n"
                + "Delivered-To: bob+news@local.test\n"
                + "Subject: hi\n"
                + "\n"
                + ">From me\n"
                + "From\n"
                + ">From you\n"
                + "from them\n"
                + " From here\n"
                + "bye\n"
                + "\n", mbox("app@example.com", "bob+news@local.test", content));
    }

    @Test
    void theNullSenderShouldBeMailerDaemon() throws Exception {
        String text = mbox("", "bob@local.test", "Subject: bounce\r\n\r\nbody\r\n");
        assertEquals("From MAILER-DAEMON  Thu Nov  5 07:11:00 2026\n"
                + "Return-Path: <>\n"
                + "X-Original-To: bob@local.test\n"
                + "Delivered-To: bob@local.test\n"
                + "Subject: bounce\n\nbody\n\n", text);
    }

    @Test
    void anIncompleteLastLineShouldGetItsLineEndAndBareCarriageReturnsStay() throws Exception {
        String text = mbox("a@b.example", "bob@local.test", "X: 1\r\n\r\nline\rwith cr\r\r\nFrom");
        assertEquals("X: 1\n\nline\rwith cr\r\nFrom\n\n", text.substring(text.indexOf("X: 1")));
    }

    @Test
    void fromLinesShouldBeQuotedAcrossReadBoundaries() throws Exception {
        // Deliver the content one byte per read: the "From " check must span reads, CRLF too.
        byte[] content = "S: x\r\n\r\nFrom a\r\nFro\r\nFrom b\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream trickle = new InputStream() {
            int next;

            @Override
            public int read() {
                return next < content.length ? content[next++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (next >= content.length) {
                    return -1;
                }
                b[off] = content[next++];
                return 1;
            }
        };
        String text = mbox("a@b.example", "bob@local.test", trickle);
        assertEquals("S: x\n\n>From a\nFro\n>From b\n\n", text.substring(text.indexOf("S: x")));
    }

    @Test
    void anEmptyBodyShouldStillEndWithAnEmptyLine() throws Exception {
        String text = mbox("a@b.example", "bob@local.test", "");
        assertEquals("Delivered-To: bob@local.test\n\n", text.substring(text.indexOf("Delivered-To")));
    }
}
