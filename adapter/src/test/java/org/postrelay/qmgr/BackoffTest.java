package org.postrelay.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff postfixDefaults = new Backoff(Duration.ofSeconds(300), Duration.ofSeconds(4000),
            Duration.ofDays(5), Duration.ofDays(5));
    private final Instant arrival = Instant.parse("2026-11-25T00:00:00Z");

    @Test
    void youngMessageShouldWaitMinimalBackoffTime() {
        Instant now = arrival.plusSeconds(10);
        assertEquals(now.plusSeconds(300), postfixDefaults.nextAttempt(now, arrival));
    }

    @Test
    void delayShouldGrowWithTheMessagesAge() {
        Instant now = arrival.plusSeconds(1000);
        assertEquals(now.plusSeconds(1000), postfixDefaults.nextAttempt(now, arrival));
    }

    @Test
    void oldMessageShouldWaitAtMostMaximalBackoffTime() {
        Instant now = arrival.plusSeconds(86_400);
        assertEquals(now.plusSeconds(4000), postfixDefaults.nextAttempt(now, arrival));
    }

    /**
     * Postfix 3.7 qmgr_active.c, qmgr_active_done_3_generic(): "delay = event_time() -
     * message->arrival_time", then "if (delay > var_max_backoff_time) delay = var_max_backoff_time;
     * if (delay < var_min_backoff_time) delay = var_min_backoff_time;" and qmgr_active_defer() sets
     * the deferred file's time stamps to now + delay. With attempts as soon as they are due, the
     * wait doubles with each attempt (the age doubles) from minimal_backoff_time up to
     * maximal_backoff_time, then stays there.
     */
    @Test
    void successiveAttemptsShouldDoubleTheWaitUpToTheMaximumAsPostfixsQmgrDoes() {
        Instant now = arrival;
        List<Long> ages = new ArrayList<>();
        for (int attempt = 0; attempt < 9; attempt++) {
            ages.add(Duration.between(arrival, now).toSeconds());
            now = postfixDefaults.nextAttempt(now, arrival);
        }
        assertEquals(List.of(0L, 300L, 600L, 1200L, 2400L, 4800L, 8800L, 12800L, 16800L), ages);
    }

    /** The same with the timers a test (and src/faults/backoff-vs-postfix) uses: seconds apart. */
    @Test
    void shortTimersShouldFollowTheSameFormula() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofDays(5), Duration.ofDays(5));
        assertEquals(arrival.plusSeconds(2), b.nextAttempt(arrival, arrival));                      // age 0: minimum
        assertEquals(arrival.plusSeconds(3 + 3), b.nextAttempt(arrival.plusSeconds(3), arrival));  // age 3: 3 more
        assertEquals(arrival.plusSeconds(6 + 6), b.nextAttempt(arrival.plusSeconds(6), arrival));
        assertEquals(arrival.plusSeconds(13 + 8), b.nextAttempt(arrival.plusSeconds(13), arrival)); // capped at 8
        assertEquals(arrival.plusMillis(2500 + 2500), b.nextAttempt(arrival.plusMillis(2500), arrival));
    }

    @Test
    void messageShouldExpireExactlyAtItsLifetime() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofHours(1), Duration.ofMinutes(10));
        assertFalse(b.expired(arrival.plusSeconds(3599), arrival, false));
        assertTrue(b.expired(arrival.plusSeconds(3600), arrival, false));
        assertTrue(b.expired(arrival.plusSeconds(600), arrival, true), "bounces use bounce_queue_lifetime");
    }
}
