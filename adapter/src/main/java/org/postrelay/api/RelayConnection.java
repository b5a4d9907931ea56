package org.postrelay.api;

import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.util.Collection;

/**
 * A connection to the relay: submits messages to its spool. Each {@code send} returns the queue id
 * once the message is on disk (inside a JTA transaction: once the transaction commits, it becomes
 * visible to the queue manager).
 */
public interface RelayConnection extends AutoCloseable {

    /**
     * Sends a message with the envelope taken from its headers: the sender from {@code Sender} or
     * else {@code From}; the recipients from {@code To}, {@code Cc} and {@code Bcc}. {@code Bcc} is
     * removed before the message is queued.
     *
     * @return the queue id, as {@code mailq} and the mail log show it
     */
    String send(MimeMessage message) throws RelayException;

    /**
     * Sends an RFC 5322 message with an explicit envelope, as {@code sendmail -f sender rcpt...}
     * does. The stream is read to its end and not closed.
     *
     * @param sender the envelope sender; {@code ""} is the null sender {@code <>}
     * @param recipients envelope recipients; bare names are qualified with {@code myorigin}
     * @return the queue id
     */
    String send(String sender, Collection<String> recipients, InputStream rfc822) throws RelayException;

    /**
     * Returns an object of the given type that the relay offers through this connection, as JDBC's
     * {@code unwrap}: {@link RelayAdmin} for a status page.
     *
     * @throws RelayException naming the type when it is not offered
     */
    <T> T unwrap(Class<T> type) throws RelayException;

    /** Releases the connection; it cannot send afterwards. */
    @Override
    void close();
}
