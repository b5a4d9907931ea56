package org.postrelay.smtp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * smtp_discard_ehlo_keywords: the server's EHLO keywords the client acts as if not offered (Postfix's
 * ehlo_mask.c). Names are matched in any case; names Postfix does not know are ignored, as it does,
 * so that a main.cf moves between versions; "silent-discard" only stops the log line.
 */
record EhloDiscard(Set<String> keywords, boolean silent) {

    /** Postfix's table, in its order (the order of the "discarding EHLO keywords" log line). */
    private static final List<String> KNOWN = List.of("8BITMIME", "AUTH", "ETRN", "PIPELINING", "SIZE", "VERP",
            "VRFY", "XCLIENT", "XFORWARD", "STARTTLS", "ENHANCEDSTATUSCODES", "DSN", "SMTPUTF8", "CHUNKING",
            "REQUIRETLS");

    static final EhloDiscard NONE = new EhloDiscard(Set.of(), false);

    static EhloDiscard of(List<String> names) {
        Set<String> given = new LinkedHashSet<>();
        for (String n : names) {
            given.add(n.toUpperCase(Locale.ROOT));
        }
        Set<String> keywords = new LinkedHashSet<>();
        for (String k : KNOWN) {
            if (given.contains(k)) {
                keywords.add(k);
            }
        }
        return new EhloDiscard(Set.copyOf(keywords), given.contains("SILENT-DISCARD"));
    }

    /** Whether an EHLO keyword (as Angus asks: "PIPELINING", "AUTH", or the old "AUTH=LOGIN") is ignored. */
    boolean discards(String keyword) {
        if (keywords.isEmpty()) {
            return false;
        }
        String k = keyword.toUpperCase(Locale.ROOT);
        int eq = k.indexOf('=');
        return keywords.contains(eq > 0 ? k.substring(0, eq) : k);
    }

    /** Postfix's "discarding EHLO keywords: ..." after each EHLO, or null when there is nothing to say. */
    String logLine() {
        if (silent || keywords.isEmpty()) {
            return null;
        }
        List<String> ordered = new ArrayList<>();
        for (String k : KNOWN) {
            if (keywords.contains(k)) {
                ordered.add(k);
            }
        }
        return "discarding EHLO keywords: " + String.join(" ", ordered);
    }
}
