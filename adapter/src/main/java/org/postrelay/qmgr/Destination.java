package org.postrelay.qmgr;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One nexthop's queue and its concurrency window, with Postfix's feedback: the window starts at
 * {@code initial_destination_concurrency}, grows by one per delivery without a site failure up to
 * the destination's limit, shrinks by one per site failure, and after
 * {@code destination_concurrency_failed_cohort_limit} failed cohorts the destination is declared
 * dead ("throttled") for {@code minimal_backoff_time}: its mail is deferred without a connection.
 * Only touched by the queue manager's thread.
 */
final class Destination {

    final String nexthop;
    final Deque<DeliveryJob> pending = new ArrayDeque<>();
    private final int initialWindow;
    private final int limit;
    private final int failedCohortLimit;
    private int window;
    private double failedCohorts;
    int busy;
    private Instant throttledUntil;
    private String throttleReason;

    Destination(String nexthop, int initialWindow, int limit, int failedCohortLimit) {
        this.nexthop = nexthop;
        this.initialWindow = Math.min(initialWindow, limit);
        this.limit = limit;
        this.failedCohortLimit = failedCohortLimit;
        this.window = this.initialWindow;
    }

    boolean canStart() {
        return throttledUntil == null && busy < window;
    }

    boolean throttled() {
        return throttledUntil != null;
    }

    String throttleReason() {
        return throttleReason;
    }

    Instant throttledUntil() {
        return throttledUntil;
    }

    int window() {
        return window;
    }

    void onDelivered() {
        failedCohorts = 0;
        if (window < limit) {
            window++;
        }
    }

    void onSiteFailure(String reason, Instant now, Duration minimalBackoff) {
        failedCohorts += 1.0 / window;
        if (failedCohortLimit > 0 && failedCohorts >= failedCohortLimit) {
            throttledUntil = now.plus(minimalBackoff);
            throttleReason = reason;
        } else if (window > 1) {
            window--;
        }
    }

    /** Lifts the throttle when its time has come (or on flush); true if it was lifted. */
    boolean unthrottleIfDue(Instant now, boolean force) {
        if (throttledUntil != null && (force || !now.isBefore(throttledUntil))) {
            throttledUntil = null;
            throttleReason = null;
            failedCohorts = 0;
            window = initialWindow;
            return true;
        }
        return false;
    }

    boolean idle() {
        return busy == 0 && pending.isEmpty() && throttledUntil == null;
    }
}
