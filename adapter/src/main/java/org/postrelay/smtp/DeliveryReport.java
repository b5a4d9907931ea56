package org.postrelay.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One delivery request's result. relay like "127.0.0.1[127.0.0.1]:2525", or "none" when no
 * connection was made: the server of the last session; when recipients of one request ended on
 * different servers (one MX deferred a recipient that the next one took), {@link #relayOf} gives each
 * one's own. siteFailure: the destination itself failed softly (look-up, connect, greeting, 421, lost
 * connection, timeout) for recipients left deferred: qmgr's throttle feedback. connectTime is
 * Postfix's delays "c" (name look-ups, connects, greetings, EHLO and any sessions before the last;
 * zero for a cached connection), transmitTime its "d" (MAIL FROM to the end of data, last session).
 */
public record DeliveryReport(List<RecipientResult> results, String relay, boolean siteFailure,
                             Duration connectTime, Duration transmitTime, Map<String, String> relays) {

    public DeliveryReport {
        relays = Map.copyOf(relays);
    }

    /** A report whose recipients all share one relay. */
    public DeliveryReport(List<RecipientResult> results, String relay, boolean siteFailure, Duration connectTime,
                          Duration transmitTime) {
        this(results, relay, siteFailure, connectTime, transmitTime, Map.of());
    }

    /** The server that gave this recipient its result, as relay= shows it; "none" when there was none. */
    public String relayOf(String recipient) {
        return relays.getOrDefault(recipient, relay);
    }
}
