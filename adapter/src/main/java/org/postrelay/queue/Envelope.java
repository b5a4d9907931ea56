package org.postrelay.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What qmgr needs of a queued message; the content is NOT loaded: contentOffset/contentLength
 * locate the message bytes in the queue file, and {@link Spool#openContent} streams them.
 *
 * @param sender      envelope sender, "" for the null sender
 * @param nextWarning when a delay warning is due, null when none is pending
 */
public record Envelope(QueueId id, String sender, Instant arrival, List<Recipient> recipients,
                       Map<String, String> attributes, long contentOffset, long contentLength,
                       Instant nextWarning /* null = no delay warning pending */) {
}
