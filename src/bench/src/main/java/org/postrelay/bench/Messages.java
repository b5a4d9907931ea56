package org.postrelay.bench;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;

/**
 * The message every load sends: what an application builds for each mail (From, To, Subject, a
 * 1 KiB text body), as smtp-source's {@code -l 1024} sends 1 KiB. The same for the API and for
 * Transport.send, so both pay the same MIME work.
 */
final class Messages {

    static final String SENDER = "app@example.com";
    static final int BODY_BYTES = 1024;
    private static final String BODY;

    static {
        StringBuilder b = new StringBuilder();
        String line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";   // 62 + CRLF = 64
        for (int i = 0; i < BODY_BYTES / 64; i++) {
            b.append(line).append("\r\n");
        }
        BODY = b.toString();
    }

    private Messages() {
    }

    static String recipient(int i) {
        return "r" + (i % 50) + "@example.org";
    }

    /** A fresh message, as an application makes one per mail. */
    static MimeMessage create(Session session, int i) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(SENDER));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient(i)));
        m.setSubject("bench " + i);
        m.setText(BODY, "us-ascii");
        return m;
    }

    /** The same message as a file for the sendmail commands (headers, blank line, 1 KiB body). */
    static Path file(Path directory) throws IOException {
        Path file = directory.resolve("message.txt");
        String text = "From: " + SENDER + "\nTo: bench@example.org\nSubject: bench sendmail\n\n"
                + BODY.replace("\r\n", "\n");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }
}
