package org.postrelay.master;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postrelay.api.RelayAdmin;
import org.postrelay.api.RelayException;
import org.postrelay.api.TemporaryFailureException;
import org.postrelay.qmgr.QueueManager;
import org.postrelay.queue.Envelope;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Recipient;
import org.postrelay.queue.RecipientStatus;
import org.postrelay.queue.Spool;

/** {@link RelayAdmin} over the engine: the spool's queues as mailq lists them, qmgr's latest results. */
final class EngineAdmin implements RelayAdmin {

    private static final List<QueueName> LISTED =
            List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD);

    private final Spool spool;
    private final QueueManager queueManager;

    EngineAdmin(Spool spool, QueueManager queueManager) {
        this.spool = spool;
        this.queueManager = queueManager;
    }

    @Override
    public List<QueuedMessage> queue() throws RelayException {
        List<QueuedMessage> listing = new ArrayList<>();
        try {
            for (QueueName queue : LISTED) {
                spool.forEach(queue, id -> {
                    if (listing.size() >= QUEUE_LISTING_LIMIT) {
                        return;
                    }
                    try {
                        Envelope e = spool.read(queue, id);
                        Map<String, String> reasons = spool.readDeferReasons(id);
                        listing.add(new QueuedMessage(id.toString(), queue.directoryName(), e.contentLength(),
                                e.arrival(), e.sender(), e.recipients().stream()
                                        .filter(r -> r.status() == RecipientStatus.PENDING)
                                        .map(Recipient::address).toList(),
                                reasons.isEmpty() ? null : reasons.values().iterator().next()));
                    } catch (IOException gone) {
                        // moved or delivered while listing: not queued here any more
                    }
                });
            }
        } catch (IOException e) {
            throw new TemporaryFailureException("cannot list the queue: " + e.getMessage(), e);
        }
        return listing;
    }

    @Override
    public List<Delivery> recentDeliveries(int max) {
        return queueManager.history().latest(max);
    }

    @Override
    public void flush() {
        queueManager.flush();
    }
}
