package org.postrelay.cleanup;

import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.postrelay.queue.QueueId;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.RelayException;
import org.postrelay.api.TemporaryFailureException;

/**
 * Postfix's sendmail role for the API: turns {@code RelayConnection.send} calls into cleanup
 * input. For a {@link MimeMessage} it takes the envelope from the headers and refuses header
 * values that would inject lines of their own.
 */
public final class Submission {

    private final Cleanup cleanup;
    private final BiConsumer<String, QueueId> onPrepared;
    private volatile boolean open = true;

    /** @param onPrepared told of each message written for a transaction branch */
    public Submission(Cleanup cleanup, BiConsumer<String, QueueId> onPrepared) {
        this.cleanup = cleanup;
        this.onPrepared = onPrepared;
    }

    /** Refuses further submissions (the engine is stopping). */
    public void close() {
        open = false;
    }

    public String send(String sender, Collection<String> recipients, InputStream rfc822) throws RelayException {
        return send(null, sender, recipients, rfc822).toString();
    }

    public String send(MimeMessage message) throws RelayException {
        return send(null, message).toString();
    }

    /**
     * Sends inside a transaction branch: the message waits in prepared/ until the branch is
     * committed or rolled back ({@code branch} null: outside any transaction, queued at once).
     */
    public QueueId send(String branch, String sender, Collection<String> recipients, InputStream rfc822)
            throws RelayException {
        checkOpen();
        if (rfc822 == null) {
            throw new MessageRejectedException("message content is missing (null stream)");
        }
        return submit(branch, sender, recipients, rfc822);
    }

    /**
     * smtpd's entry: queues a message received over SMTP, content as received (dot-unstuffed). The
     * {@code Received} header names the client; {@code onCreated} hears the queue id once the queue
     * file exists, before the content is read.
     *
     * @return the queue id, once the message is durable
     * @throws MessageTooLargeException over {@code message_size_limit}
     */
    public String receive(String sender, Collection<String> recipients, InputStream content, SmtpClientOrigin client,
                          Consumer<String> onCreated) throws RelayException {
        checkOpen();
        return cleanup.enqueue(sender, recipients, content, client, id -> onCreated.accept(id.toString())).toString();
    }

    /** {@link #send(String, String, Collection, InputStream)} for a MimeMessage. */
    public QueueId send(String branch, MimeMessage message) throws RelayException {
        checkOpen();
        if (message == null) {
            throw new MessageRejectedException("message is missing (null)");
        }
        try {
            byte[] bytes = serialize(message);             // saves changes: MIME headers, Message-ID
            checkHeaders(message);
            return submit(branch, envelopeSender(message), envelopeRecipients(message),
                    new ByteArrayInputStream(bytes));
        } catch (MessagingException e) {
            throw new MessageRejectedException("message cannot be read: " + e.getMessage(), e);
        }
    }

    private QueueId submit(String branch, String sender, Collection<String> recipients, InputStream content)
            throws RelayException {
        if (branch == null) {
            return cleanup.enqueue(sender, recipients, content, "api");
        }
        QueueId id = cleanup.prepare(sender, recipients, content, "api", branch);
        onPrepared.accept(branch, id);
        return id;
    }

    private void checkOpen() throws TemporaryFailureException {
        if (!open) {
            throw new TemporaryFailureException("Postrelay is stopping and accepts no mail now; send again later",
                    null);
        }
    }

    private static byte[] serialize(MimeMessage message) throws MessagingException, MessageRejectedException {
        MessageBuffer out = new MessageBuffer();
        try {
            message.writeTo(out);
        } catch (IOException e) {
            throw new MessageRejectedException("message content cannot be written: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void checkHeaders(MimeMessage message) throws MessagingException, MessageRejectedException {
        Enumeration<Header> headers = message.getAllHeaders();
        while (headers.hasMoreElements()) {
            Header header = headers.nextElement();
            String problem = HeaderSection.injectionIn(header.getName(), header.getValue());
            if (problem != null) {
                throw new MessageRejectedException(problem);
            }
        }
    }

    /** Sender header if present, else the first From address. */
    private static String envelopeSender(MimeMessage message) throws MessagingException, MessageRejectedException {
        Address sender = message.getSender();
        if (sender == null) {
            Address[] from = message.getFrom();
            sender = from == null || from.length == 0 ? null : from[0];
        }
        if (!(sender instanceof InternetAddress address)) {
            throw new MessageRejectedException("message has no From address: set From (or use "
                    + "send(sender, recipients, stream) to give the envelope sender)");
        }
        return address.getAddress();
    }

    private static List<String> envelopeRecipients(MimeMessage message)
            throws MessagingException, MessageRejectedException {
        Address[] all = message.getAllRecipients();
        List<String> recipients = new ArrayList<>();
        if (all != null) {
            for (Address a : all) {
                if (a instanceof InternetAddress address) {
                    if (address.isGroup()) {
                        for (InternetAddress member : address.getGroup(false)) {
                            recipients.add(member.getAddress());
                        }
                    } else {
                        recipients.add(address.getAddress());
                    }
                }
            }
        }
        if (recipients.isEmpty()) {
            throw new MessageRejectedException("message has no recipients: set To, Cc or Bcc");
        }
        return recipients;
    }
}
