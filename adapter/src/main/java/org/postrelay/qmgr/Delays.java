package org.postrelay.qmgr;

import java.time.Duration;
import java.time.Instant;
import org.postrelay.smtp.DeliveryReport;

/**
 * Postfix's {@code delay=T, delays=a/b/c/d}: a = before the active queue, b = in the active queue,
 * c = connection set-up, d = transmission; seconds with at most two significant decimals.
 */
final class Delays {

    private Delays() {
    }

    static String of(Instant arrival, Instant activated, Instant started, DeliveryReport report, Instant now) {
        return "delay=" + seconds(Duration.between(arrival, now))
                + ", delays=" + seconds(Duration.between(arrival, activated))
                + "/" + seconds(Duration.between(activated, started))
                + "/" + seconds(report.connectTime())
                + "/" + seconds(report.transmitTime());
    }

    static String seconds(Duration d) {
        long nanos = Math.max(0, d.toNanos());
        if (nanos >= 10_000_000_000L) {
            return Long.toString((nanos + 500_000_000L) / 1_000_000_000L);
        }
        // "%.2f" below 1 s, "%.1f" below 10 s (rounded half up), trailing zeros cut; without
        // String.format and regular expressions: this runs for every delivered recipient
        boolean tenths = nanos >= 1_000_000_000L;
        long unit = tenths ? 100_000_000L : 10_000_000L;
        long units = (nanos + unit / 2) / unit;
        long scale = tenths ? 10 : 100;
        long whole = units / scale;
        long fraction = units % scale;
        if (fraction == 0) {
            return Long.toString(whole);
        }
        if (tenths) {
            return whole + "." + fraction;
        }
        return whole + (fraction % 10 == 0 ? "." + fraction / 10 : fraction < 10 ? ".0" + fraction : "." + fraction);
    }
}
