package org.postrelay.api;

import java.time.Instant;
import java.util.List;

/**
 * A read-mostly view of the relay for an application's own status page: what is still queued (as
 * {@code mailq} shows it) and the latest delivery results. Obtained with
 * {@code connection.unwrap(RelayAdmin.class)}.
 */
public interface RelayAdmin {

    /** At most this many messages are listed by {@link #queue()}, so a large queue stays cheap. */
    int QUEUE_LISTING_LIMIT = 1000;

    /** Messages still queued (incoming, active, deferred, hold), at most {@link #QUEUE_LISTING_LIMIT}. */
    List<QueuedMessage> queue() throws RelayException;

    /** The latest delivery attempts, newest first, at most {@code max}. */
    List<Delivery> recentDeliveries(int max);

    /** {@code postqueue -f}: attempt all deferred mail now. */
    void flush();

    /**
     * One queued message.
     *
     * @param queue {@code incoming}, {@code active}, {@code deferred} or {@code hold}
     * @param reason why it waits (the last deferral's reason), or null
     */
    record QueuedMessage(String queueId, String queue, long size, Instant arrival, String sender,
                         List<String> recipients, String reason) {
    }

    /**
     * One recipient's delivery attempt, as the mail log line shows it.
     *
     * @param status {@code sent}, {@code deferred} or {@code bounced}
     */
    record Delivery(Instant time, String queueId, String recipient, String relay, String dsn, String status,
                    String text) {
    }
}
