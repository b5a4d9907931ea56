package org.postrelay.config;

import java.util.Optional;

/**
 * A Postfix lookup table named "type:name" (texthash:/etc/postfix/sasl_passwd,
 * hash:/etc/postfix/sasl_passwd): a key gives a value or nothing, as Postfix's dict_lookup.
 * Implementations are immutable snapshots, safe for any thread.
 */
public interface LookupTable {

    /**
     * The value for the key, or empty. Keys are matched as Postfix does for the table type (hash,
     * texthash and inline fold the key to lower case). Answers from the snapshot taken when the
     * table was opened: a missing, corrupt or unreadable file is a {@link ConfigException} from
     * {@link LookupTables#open}, never from a lookup.
     */
    Optional<String> lookup(String key);

    /**
     * The table as written in main.cf, e.g. {@code hash:/etc/postfix/sasl_passwd}, for log lines;
     * inline: and static: tables show no values ({@code static:{...}}), as those may be passwords.
     */
    String name();

    /**
     * True when the file this snapshot was read from has since been replaced or modified (the
     * index for hash:, the source for texthash:), so a fresh {@link LookupTables#open} would see
     * other contents; always false for tables without a file. Postfix's daemons make the same
     * check (dict_changed_name) and restart to pick up a rebuilt table; here the owner of the
     * table decides when to re-open it.
     */
    default boolean changed() {
        return false;
    }
}
