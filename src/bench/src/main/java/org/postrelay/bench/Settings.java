package org.postrelay.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What one benchmark run does, from system properties: {@code bench.runs} (measured runs per
 * figure, at least 3), {@code bench.size} (a factor on every message count, 1 for the documented
 * run), {@code bench.scale} (messages queued for the scale figures), {@code bench.only} (sections).
 */
record Settings(Path home, Path results, int runs, double size, int scale, int sendmailCalls, Set<String> sections) {

    /** The sections, in the order they run. */
    static final Set<String> ALL = new LinkedHashSet<>(
            Arrays.asList("api", "angus", "relay", "smtpd", "sendmail", "scale"));

    static Settings fromSystemProperties() {
        Path home = Path.of(System.getProperty("bench.home", ".")).toAbsolutePath().normalize();
        String results = System.getProperty("bench.results", home.resolve("src/bench/results").toString());
        int runs = Integer.parseInt(System.getProperty("bench.runs", "3"));
        if (runs < 1) {
            throw new IllegalArgumentException("bench.runs must be at least 1, not " + runs);
        }
        double size = Double.parseDouble(System.getProperty("bench.size", "1"));
        int scale = Integer.parseInt(System.getProperty("bench.scale", "1000000"));
        int sendmail = Integer.parseInt(System.getProperty("bench.sendmail", "1000"));
        Set<String> sections = new LinkedHashSet<>();
        String only = System.getProperty("bench.only", "").trim();
        if (only.isEmpty()) {
            sections.addAll(ALL);
        } else {
            for (String s : only.split("[,\\s]+")) {
                String name = s.toLowerCase(Locale.ROOT);
                if (!ALL.contains(name)) {
                    throw new IllegalArgumentException("bench.only: unknown section " + s + " (sections: " + ALL + ")");
                }
                sections.add(name);
            }
        }
        return new Settings(home, Path.of(results), runs, size, scale, sendmail, sections);
    }

    /** A message count scaled by {@code bench.size}, never below {@code floor}. */
    int count(int documented, int floor) {
        return Math.max(floor, (int) Math.round(documented * size));
    }

    boolean runs(String section) {
        return sections.contains(section);
    }

    /** True for the documented sizes (the figures a results file is committed for). */
    boolean documented() {
        return size >= 1 && scale >= 1_000_000 && runs >= 3 && sections.equals(ALL);
    }
}
