package org.postrelay.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * A queued message as Angus sees it: an empty SMTPMessage carrying the envelope sender, whose
 * writeTo streams the spool's bytes unchanged. Nothing is parsed, nothing is saved: no Message-ID or
 * MIME-Version is added and a big body never sits in memory. SMTPTransport's DATA stream does the
 * dot-stuffing.
 */
final class QueuedMessage extends SMTPMessage {

    private final MessageSource source;

    QueuedMessage(Session session, String sender, MessageSource source) {
        super(session);
        this.source = source;
        // Angus wraps an address in <> unless it already starts or ends with one: "<>" stays the null sender
        setEnvelopeFrom(sender.isEmpty() ? "<>" : sender);
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
        try (InputStream in = source.open()) {
            // a buffer no larger than the message (most are a few KiB): one less 8 KiB array per delivery
            byte[] buffer = new byte[(int) Math.max(1, Math.min(8192, source.size()))];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        }
    }

    @Override
    public void writeTo(OutputStream out) throws IOException, MessagingException {
        writeTo(out, null);
    }

    @Override
    public int getSize() {
        return (int) Math.min(Integer.MAX_VALUE, source.size());
    }
}
