package org.postrelay.config.table;

/**
 * One "key whitespace value" record of a lookup table source, with the number of the physical
 * line where its logical line starts (for diagnostics).
 */
public record TableEntry(String key, String value, int line) {
}
