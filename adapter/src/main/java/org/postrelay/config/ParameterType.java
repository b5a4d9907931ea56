package org.postrelay.config;

/**
 * The kinds of value a main.cf parameter can hold; each kind has its own syntax check in
 * {@link Config}.
 */
public enum ParameterType {
    /** Free text, never rejected. */
    STRING,
    /** {@code yes} or {@code no} (also {@code true}/{@code false}), case-insensitive. */
    BOOLEAN,
    /** A decimal integer within the parameter's bounds. */
    INTEGER,
    /** A number with an optional unit s, m, h, d or w; a bare number uses the parameter's unit. */
    TIME,
    /** A byte count: a plain non-negative decimal integer, as Postfix sizes are. */
    SIZE,
    /** Items separated by commas and/or whitespace. */
    LIST
}
