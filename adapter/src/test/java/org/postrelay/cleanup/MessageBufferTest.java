package org.postrelay.cleanup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MessageBufferTest {

    private final Session session = Session.getInstance(new Properties());

    @Test
    void aMessageShouldBeWrittenByteForByteAsJakartaMailWritesIt() throws Exception {
        for (MimeMessage message : List.of(plain(), multipart(), headerWithRawEightBit())) {
            message.saveChanges();                       // the same Message-ID for both writes
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            message.writeTo(expected);
            MessageBuffer buffer = new MessageBuffer();
            message.writeTo(buffer);
            assertArrayEquals(expected.toByteArray(), buffer.toByteArray(),
                    () -> "differs for:\n" + expected.toString(StandardCharsets.ISO_8859_1));
        }
    }

    /** Counts how often jakarta.mail-api looks its StreamProvider up (FactoryFinder makes one per lookup). */
    public static final class CountingStreamProvider extends org.eclipse.angus.mail.util.MailStreamProvider {
        static final java.util.concurrent.atomic.AtomicInteger MADE = new java.util.concurrent.atomic.AtomicInteger();

        public CountingStreamProvider() {
            MADE.incrementAndGet();
        }
    }

    @Test
    void writingIntoItShouldSaveOneStreamProviderLookupPerMessage() throws Exception {
        MimeMessage message = plain();
        message.saveChanges();
        String property = "jakarta.mail.util.StreamProvider";
        String before = System.getProperty(property);
        System.setProperty(property, CountingStreamProvider.class.getName());
        try {
            int start = CountingStreamProvider.MADE.get();
            message.writeTo(new ByteArrayOutputStream());
            int plainLookups = CountingStreamProvider.MADE.get() - start;
            start = CountingStreamProvider.MADE.get();
            message.writeTo(new MessageBuffer());
            int bufferLookups = CountingStreamProvider.MADE.get() - start;
            assertEquals(plainLookups - 1, bufferLookups, "lookups: " + plainLookups + " into a plain stream");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    private MimeMessage plain() throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("app@example.com", "Ünïcode Sender", "UTF-8"));
        m.setRecipients(Message.RecipientType.TO, "to@example.org");
        m.setSubject("Grüße, " + "long subject ".repeat(10), "UTF-8");
        m.setText("line one\nline two with ünïcode\n" + "x".repeat(2000), "UTF-8");
        return m;
    }

    private MimeMessage multipart() throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("app@example.com"));
        m.setRecipients(Message.RecipientType.TO, "to@example.org");
        m.setSubject("report");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("see attached");
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setContent("a,b\n1,2\n", "text/csv");
        attachment.setFileName("report.csv");
        m.setContent(new MimeMultipart(text, attachment));
        return m;
    }

    private MimeMessage headerWithRawEightBit() throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("app@example.com"));
        m.setRecipients(Message.RecipientType.TO, "to@example.org");
        m.setHeader("X-Raw", "caf\u00e9 \u20ac");        // raw: written in UTF-8, as MimeBodyPart does by default
        m.setText("body");
        return m;
    }
}
