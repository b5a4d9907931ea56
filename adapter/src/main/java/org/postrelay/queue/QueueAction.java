package org.postrelay.queue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What postsuper does to a queued message: delete ({@code -d}), hold ({@code -h}), release from
 * hold ({@code -H}) or requeue ({@code -r}); with the queues each applies to, as postsuper(1) lists
 * them, and the words Postfix logs and counts with.
 */
public enum QueueAction {
    DELETE("removed", "Deleted", EnumSet.of(QueueName.HOLD, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)),
    HOLD("placed on hold", "Placed on hold", EnumSet.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)),
    RELEASE("released from hold", "Released from hold", EnumSet.of(QueueName.HOLD)),
    REQUEUE("requeued", "Requeued", EnumSet.of(QueueName.HOLD, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED));

    private final String logged;
    private final String counted;
    private final Set<QueueName> queues;

    QueueAction(String logged, String counted, Set<QueueName> queues) {
        this.logged = logged;
        this.counted = counted;
        this.queues = queues;
    }

    /** The mail log's "ID: removed", "ID: placed on hold", ... */
    public String logged() {
        return logged;
    }

    /** postsuper's summary, e.g. "postsuper: Deleted: 2 messages". */
    public String summary(int count) {
        return counted + ": " + count + (count == 1 ? " message" : " messages");
    }

    /** The queues it applies to when none is named (postsuper's defaults). */
    public Set<QueueName> queues() {
        return queues;
    }

    /**
     * Applies the action to a message at rest in {@code queue} (not one being delivered). Released
     * and requeued messages are due at once. False when the message is no longer there.
     */
    public boolean applyTo(Spool spool, QueueName queue, QueueId id, Instant now) throws IOException {
        if (!queues.contains(queue) || spool.isBeingWritten(id)) {
            return false;
        }
        try {
            switch (this) {
                case DELETE -> spool.remove(queue, id);
                case HOLD -> spool.move(id, queue, QueueName.HOLD);
                case RELEASE -> {
                    spool.setNextAttempt(queue, id, now);
                    spool.move(id, queue, QueueName.DEFERRED);
                }
                case REQUEUE -> spool.move(id, queue, QueueName.INCOMING);
            }
            return true;
        } catch (NoSuchFileException gone) {
            return false;                                // delivered or moved meanwhile
        }
    }
}
