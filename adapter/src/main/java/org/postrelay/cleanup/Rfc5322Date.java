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

    public static String format(Instant instant) {
        return HEADER.format(ZonedDateTime.ofInstant(instant, ZoneId.systemDefault()));
    }

    /** The timestamp part of a Postfix Message-ID: {@code 20261125071100}. */
    static String compact(Instant instant) {
        return COMPACT.format(ZonedDateTime.ofInstant(instant, ZoneId.systemDefault()));
    }
}
