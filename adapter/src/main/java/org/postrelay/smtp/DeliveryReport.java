package org.postrelay.smtp;

import java.time.Duration;
import java.util.List;

/**
 * One delivery request's result. relay like "127.0.0.1[127.0.0.1]:2525", or "none" when no
 * connection was made; siteFailure: the nexthop itself failed softly (connect, greeting, 421, lost
 * connection, timeout): qmgr's throttle feedback. connectTime is Postfix's delays "c" (name look-up,
 * connect, greeting, EHLO; zero for a cached connection), transmitTime its "d" (MAIL FROM to the end
 * of data).
 */
public record DeliveryReport(List<RecipientResult> results, String relay, boolean siteFailure,
                             Duration connectTime, Duration transmitTime) {
}
