package org.postrelay.config;

/** Postfix's time units (s, m, h, d, w) and their length in seconds. */
final class TimeUnits {

    private TimeUnits() {
    }

    /** Seconds in one unit, or -1 if the character is not a Postfix time unit. */
    static long seconds(char unit) {
        return switch (unit) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3_600;
            case 'd' -> 86_400;
            case 'w' -> 604_800;
            default -> -1;
        };
    }
}
