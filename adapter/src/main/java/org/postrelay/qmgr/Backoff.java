package org.postrelay.qmgr;

import java.time.Duration;
import java.time.Instant;

/**
 * Postfix's retry rule: after a failed attempt the next one is due at now + the message's age,
 * clamped to [{@code minimal_backoff_time}, {@code maximal_backoff_time}]; the deferred queue is
 * then scanned every {@code queue_run_delay}. A message older than {@code maximal_queue_lifetime}
 * ({@code bounce_queue_lifetime} for bounces) is returned to its sender at its next failure.
 */
record Backoff(Duration minimal, Duration maximal, Duration queueLifetime, Duration bounceLifetime) {

    Instant nextAttempt(Instant now, Instant arrival) {
        Duration age = Duration.between(arrival, now);
        Duration delay = age.compareTo(maximal) > 0 ? maximal : age;
        if (delay.compareTo(minimal) < 0) {
            delay = minimal;
        }
        return now.plus(delay);
    }

    /** Whether a message that still has deferred recipients is too old to keep trying. */
    boolean expired(Instant now, Instant arrival, boolean isBounce) {
        Duration lifetime = isBounce ? bounceLifetime : queueLifetime;
        return Duration.between(arrival, now).compareTo(lifetime) >= 0;
    }

    /** Until when a message is retried, for a delay warning's Will-Retry-Until. */
    Instant retryUntil(Instant arrival, boolean isBounce) {
        return arrival.plus(isBounce ? bounceLifetime : queueLifetime);
    }
}
