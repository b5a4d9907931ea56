package org.postrelay.config;

import java.util.Objects;

/**
 * One row of the {@link Parameters} table: a Postfix parameter's name, type, default (in main.cf
 * syntax, unexpanded), default time unit, bounds and a one-line meaning.
 *
 * @param name         the main.cf name, e.g. {@code maximal_backoff_time}
 * @param type         how the value is checked and read
 * @param defaultValue the default as main.cf text (may contain {@code $name}); never null
 * @param timeUnit     for {@link ParameterType#TIME}: the unit of a bare number ('s', 'm', 'h', 'd'
 *                     or 'w'); otherwise 0
 * @param min          lower bound for INTEGER, TIME (in seconds) and SIZE; {@link Long#MIN_VALUE}
 *                     when unbounded
 * @param max          upper bound, likewise; {@link Long#MAX_VALUE} when unbounded
 * @param meaning      one line for postconf-style documentation; deviations from Postfix say so
 */
public record Parameter(String name, ParameterType type, String defaultValue, char timeUnit,
                        long min, long max, String meaning) {

    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(meaning, "meaning");
        if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
            throw new IllegalArgumentException("bad parameter name: \"" + name + "\"");
        }
        if (type == ParameterType.TIME ? TimeUnits.seconds(timeUnit) < 0 : timeUnit != 0) {
            throw new IllegalArgumentException("parameter " + name + ": bad time unit '" + timeUnit
                    + "' for type " + type);
        }
        if (min > max) {
            throw new IllegalArgumentException("parameter " + name + ": min " + min + " > max " + max);
        }
    }

    /** True when the value is checked against {@link #min()} / {@link #max()}. */
    public boolean bounded() {
        return min != Long.MIN_VALUE || max != Long.MAX_VALUE;
    }
}
