package org.postrelay.qmgr;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postrelay.bounce.FailedRecipient;
import org.postrelay.queue.Envelope;
import org.postrelay.queue.QueueAction;

/**
 * A message in the active queue: its envelope (never its content) and what its delivery requests
 * have reported so far. Requests finish on worker threads, so the tallies are synchronised; the
 * request that finishes last finishes the message.
 */
final class ActiveMessage {

    final Envelope envelope;
    final Instant activatedAt;
    /** Recipients still to deliver when the message was activated. */
    final int pendingAtActivation;
    private int outstanding;
    private final List<FailedRecipient> bounced = new ArrayList<>();
    private final List<FailedRecipient> deferred = new ArrayList<>();
    private QueueAction adminAction;                    // postsuper's, carried out when it settles
    private boolean settling;

    ActiveMessage(Envelope envelope, Instant activatedAt, int pendingAtActivation) {
        this.envelope = envelope;
        this.activatedAt = activatedAt;
        this.pendingAtActivation = pendingAtActivation;
    }

    synchronized void expect(int requests) {
        outstanding += requests;
    }

    synchronized void bounced(FailedRecipient recipient) {
        bounced.add(recipient);
    }

    synchronized void deferred(FailedRecipient recipient) {
        deferred.add(recipient);
    }

    /** Counts one request as finished; true when it was the last one. */
    synchronized boolean requestDone() {
        return --outstanding == 0;
    }

    synchronized List<FailedRecipient> bouncedRecipients() {
        return List.copyOf(bounced);
    }

    synchronized List<FailedRecipient> deferredRecipients() {
        return List.copyOf(deferred);
    }

    /** Asks for postsuper's action when the message settles; false if it is settling already. */
    synchronized boolean requestAdminAction(QueueAction action) {
        if (settling) {
            return false;
        }
        adminAction = action;
        return true;
    }

    /** Marks the message as settling; returns the admin action asked for, or null. */
    synchronized QueueAction startSettling() {
        settling = true;
        return adminAction;
    }

    boolean isBounce() {
        return envelope.sender().isEmpty();
    }
}
