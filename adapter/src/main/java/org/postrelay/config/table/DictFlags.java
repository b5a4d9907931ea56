package org.postrelay.config.table;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.postrelay.config.ConfigException;

/**
 * How a table is opened or built, after Postfix's DICT_FLAG_* bits: whether keys are folded to
 * lower case (DICT_FLAG_FOLD_FIX, off with postmap -f), what a duplicate key does, and where
 * warnings go.
 *
 * @param fold       fold keys (when building and when looking up) with {@link CaseFold}
 * @param duplicates what a second entry with the same key does
 * @param warnings   receives each warning, in Postfix's words, without a program-name prefix
 */
public record DictFlags(boolean fold, Duplicates duplicates, Consumer<String> warnings) {

    private static final Logger LOG = Logger.getLogger("org.postrelay.config");

    /** What to do with a second entry for a key (DICT_FLAG_DUP_*). */
    public enum Duplicates {
        /** The table is unusable (no DUP flag: how Postfix's daemons open texthash: tables). */
        FAIL,
        /** Warn and keep the first (postmap's default). */
        WARN,
        /** Keep the first silently (postmap -w). */
        IGNORE,
        /** Keep the last silently (postmap -r). */
        REPLACE
    }

    public DictFlags {
        Objects.requireNonNull(duplicates, "duplicates");
        Objects.requireNonNull(warnings, "warnings");
    }

    /** How the relay's daemons open tables: folded keys, duplicates fatal, warnings logged. */
    public static DictFlags daemon() {
        return new DictFlags(true, Duplicates.FAIL, LOG::warning);
    }

    /** Folds the key when this table folds keys. */
    public String key(String key) {
        return fold ? CaseFold.fold(key) : key;
    }

    /**
     * Adds an entry under the duplicate policy.
     *
     * @param where names the entry in a warning or error, e.g. {@code "/etc/postfix/x, line 3"}
     * @throws ConfigException for a duplicate under {@link Duplicates#FAIL}
     */
    public void put(Map<String, String> entries, String key, String value, String where) {
        if (!entries.containsKey(key)) {
            entries.put(key, value);
            return;
        }
        switch (duplicates) {
            case FAIL -> throw new ConfigException(where + ": duplicate entry: \"" + key + "\"");
            case WARN -> warnings.accept(where + ": duplicate entry: \"" + key + "\"");
            case IGNORE -> {
                // keep the first, as postmap -w
            }
            case REPLACE -> entries.put(key, value);
        }
    }
}
