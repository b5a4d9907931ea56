package org.postrelay.config.table;

import java.util.Objects;
import java.util.Optional;
import org.postrelay.config.ConfigException;
import org.postrelay.config.LookupTable;

/**
 * A {@code static:value} or {@code static:{ value with spaces }} table: every key gives the value
 * (Postfix's dict_static). Its {@link #name()} hides the value, which may be a password.
 */
public final class StaticTable implements LookupTable {

    private final String value;

    private StaticTable(String value) {
        this.value = value;
    }

    /**
     * The table for the part after {@code static:}.
     *
     * @throws ConfigException on unbalanced braces
     */
    public static StaticTable open(String text) {
        if (!text.startsWith("{")) {
            return new StaticTable(text);
        }
        int end = Braces.balanced(text);
        if (end == 0) {
            throw new ConfigException("bad static:name syntax: missing '}'");
        }
        if (end != text.length()) {
            throw new ConfigException("bad static:name syntax: syntax error after '}'");
        }
        return new StaticTable(SourceFile.trim(text.substring(1, end - 1)));
    }

    @Override
    public Optional<String> lookup(String key) {
        Objects.requireNonNull(key, "key");
        return Optional.of(value);
    }

    /** {@code static:{...}}: the value stays out of logs. */
    @Override
    public String name() {
        return "static:{...}";
    }

    @Override
    public String toString() {
        return name();
    }
}
