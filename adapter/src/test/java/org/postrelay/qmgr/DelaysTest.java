package org.postrelay.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Delays print seconds as Postfix does, the same as String.format with the trailing zeros cut. */
class DelaysTest {

    /** The obvious way, kept here as the reference for the fast one. */
    private static String reference(Duration d) {
        double s = Math.max(0, d.toNanos() / 1e9);
        if (s >= 10) {
            return Long.toString(Math.round(s));
        }
        String text = String.format(Locale.ROOT, s >= 1 ? "%.1f" : "%.2f", s);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    @Test
    void secondsShouldMatchTheFormattedReferenceEverywhere() {
        for (long micros = 0; micros <= 12_000_000; micros += 250) {
            Duration d = Duration.ofNanos(micros * 1000);
            assertEquals(reference(d), Delays.seconds(d), () -> d.toString());
        }
        for (long boundary : new long[] {5_000_000, 15_000_000, 995_000_000, 1_000_000_000, 1_050_000_000,
                9_950_000_000L, 10_000_000_000L, 10_500_000_000L, 99_500_000_000L}) {
            for (long delta = -2; delta <= 2; delta++) {
                Duration d = Duration.ofNanos(boundary + delta);
                assertEquals(reference(d), Delays.seconds(d), () -> d.toString());
            }
        }
        assertEquals("0", Delays.seconds(Duration.ofSeconds(-3)), "clock steps never print negative delays");
        assertEquals("0.01", Delays.seconds(Duration.ofMillis(12)));
        assertEquals("0.1", Delays.seconds(Duration.ofMillis(104)));
        assertEquals("2.5", Delays.seconds(Duration.ofMillis(2_451)));
        assertEquals("3600", Delays.seconds(Duration.ofHours(1)));
    }
}
