package org.postrelay.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DestinationTest {

    private final Instant now = Instant.parse("2026-11-25T00:00:00Z");

    @Test
    void windowShouldStartAtInitialConcurrencyAndGrowToTheLimit() {
        Destination d = new Destination("[relay]:25", 5, 7, 1);
        assertEquals(5, d.window());
        for (int i = 0; i < 10; i++) {
            d.onDelivered();
        }
        assertEquals(7, d.window());
    }

    @Test
    void destinationShouldBeThrottledAfterOneFailedCohortAsPostfixDoes() {
        Destination d = new Destination("[relay]:25", 5, 20, 1);
        // 1/5 + 1/4 + 1/3 = 0.78 < 1; + 1/2 -> 1.28: dead at the fourth consecutive failure
        for (int i = 0; i < 3; i++) {
            d.onSiteFailure("connect refused", now, Duration.ofSeconds(300));
            assertFalse(d.throttled(), "after failure " + (i + 1));
        }
        assertEquals(2, d.window());
        d.onSiteFailure("connect refused", now, Duration.ofSeconds(300));
        assertTrue(d.throttled());
        assertFalse(d.canStart());
        assertEquals("connect refused", d.throttleReason());
    }

    @Test
    void throttleShouldLiftAfterMinimalBackoffTimeWithTheInitialWindow() {
        Destination d = new Destination("[relay]:25", 1, 20, 1);
        d.onSiteFailure("timeout", now, Duration.ofSeconds(300));
        assertTrue(d.throttled());
        assertFalse(d.unthrottleIfDue(now.plusSeconds(299), false));
        assertTrue(d.unthrottleIfDue(now.plusSeconds(300), false));
        assertTrue(d.canStart());
        assertEquals(1, d.window());
    }

    @Test
    void successShouldResetTheFailedCohortCount() {
        Destination d = new Destination("[relay]:25", 5, 20, 1);
        d.onSiteFailure("x", now, Duration.ofSeconds(1));
        d.onSiteFailure("x", now, Duration.ofSeconds(1));
        d.onDelivered();
        d.onSiteFailure("x", now, Duration.ofSeconds(1));
        d.onSiteFailure("x", now, Duration.ofSeconds(1));
        assertFalse(d.throttled());
    }
}
