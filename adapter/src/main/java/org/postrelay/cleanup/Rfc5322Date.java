package org.postrelay.cleanup;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates as Postfix writes them in headers: {@code Wed, 25 Nov 2026 07:11:00 +0000 (UTC)}. */
public final class Rfc5322Date {

    private static final DateTimeFormatter HEADER =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (z)", Locale.US);
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.US);

    private Rfc5322Date() {
    }

    /** The last second formatted, both ways (each message needs them; most share a second). */
    private record Second(long epochSecond, ZoneId zone, String header, String compact) {
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, null, null, null);

    public static String format(Instant instant) {
        return second(instant).header();
    }

    /** The timestamp part of a Postfix Message-ID: {@code 20261125071100}. */
    static String compact(Instant instant) {
        return second(instant).compact();
    }

    private static Second second(Instant instant) {
        ZoneId zone = ZoneId.systemDefault();
        Second s = last;
        if (s.epochSecond() != instant.getEpochSecond() || !zone.equals(s.zone())) {
            ZonedDateTime time = ZonedDateTime.ofInstant(instant, zone);
            s = new Second(instant.getEpochSecond(), zone, HEADER.format(time), COMPACT.format(time));
            last = s;
        }
        return s;
    }
}
