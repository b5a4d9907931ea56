package org.postrelay.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postrelay.config.table.DictFlags;
import org.postrelay.config.table.HashTable;
import org.postrelay.config.table.InlineTable;
import org.postrelay.config.table.StaticTable;
import org.postrelay.config.table.TexthashTable;

/**
 * Opens lookup tables from their main.cf names ("type:name"), for every parameter that takes maps
 * (smtp_sasl_password_maps, local_recipient_maps, ...). Types: {@code hash:}, {@code btree:} and
 * {@code lmdb:} (one and the same: the .prdb index written by Postrelay's postmap), {@code texthash:},
 * {@code inline:}, {@code static:}, {@code unix:passwd.byname}, and {@code proxy:} in front of any of them (there is no
 * proxymap process: the table is read directly). See src/docs/lookup-tables.md.
 */
public final class LookupTables {

    /** The types {@link #open} knows, for the error about any other. */
    public static final List<String> TYPES = List.of("hash", "btree", "lmdb", "texthash", "inline", "static", "unix", "proxy");

    private LookupTables() {
    }

    /**
     * Opens one table as the relay's daemons do: keys folded to lower case, a duplicate key in a
     * texthash: file fatal, warnings (a stale index) logged.
     *
     * @throws ConfigException naming the table when its type is unknown or it cannot be opened
     */
    public static LookupTable open(String name) {
        return open(name, DictFlags.daemon());
    }

    /**
     * Opens one table with explicit flags (as postmap does: -f, -r, -w, warnings to stderr).
     *
     * @throws ConfigException naming the table when its type is unknown or it cannot be opened
     */
    public static LookupTable open(String name, DictFlags flags) {
        Objects.requireNonNull(name, "name");
        int colon = name.indexOf(':');
        if (colon <= 0 || colon == name.length() - 1) {
            throw new ConfigException("open dictionary: expecting \"type:name\" form instead of \"" + name + "\"");
        }
        String type = name.substring(0, colon);
        String rest = name.substring(colon + 1);
        return switch (type) {
            case "hash", "btree", "lmdb" -> HashTable.open(type, rest, flags);
            case "texthash" -> TexthashTable.open(rest, flags);
            case "inline" -> InlineTable.open(rest, flags);
            case "static" -> StaticTable.open(rest);
            case "unix" -> UnixPasswdTable.open(rest);
            case "proxy" -> new Proxied(open(rest, flags));
            default -> throw new ConfigException("unsupported dictionary type: " + type + " (Postrelay supports "
                    + String.join(", ", TYPES) + ")");
        };
    }

    /** Opens each table of a maps parameter's list, in order (Postfix searches them in order). */
    public static List<LookupTable> openAll(List<String> names) {
        return names.stream().map(LookupTables::open).toList();
    }

    /** proxy:TYPE:NAME, looked up directly. */
    private record Proxied(LookupTable table) implements LookupTable {

        @Override
        public Optional<String> lookup(String key) {
            return table.lookup(key);
        }

        @Override
        public String name() {
            return "proxy:" + table.name();
        }

        @Override
        public boolean changed() {
            return table.changed();
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
