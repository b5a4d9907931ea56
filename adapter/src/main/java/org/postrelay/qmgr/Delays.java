package org.postrelay.qmgr;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
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
        double s = Math.max(0, d.toNanos() / 1e9);
        if (s >= 10) {
            return Long.toString(Math.round(s));
        }
        String text = String.format(Locale.ROOT, s >= 1 ? "%.1f" : "%.2f", s);
        if (text.contains(".")) {
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return text;
    }
}
