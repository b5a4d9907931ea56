package org.postrelay.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
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

    @Test
    void messageShouldExpireExactlyAtItsLifetime() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofHours(1), Duration.ofMinutes(10));
        assertFalse(b.expired(arrival.plusSeconds(3599), arrival, false));
        assertTrue(b.expired(arrival.plusSeconds(3600), arrival, false));
        assertTrue(b.expired(arrival.plusSeconds(600), arrival, true), "bounces use bounce_queue_lifetime");
    }
}
