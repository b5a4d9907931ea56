package org.postrelay.config;

import java.util.List;

/**
 * Opens lookup tables from their main.cf names ("type:name"), for every parameter that takes maps
 * (smtp_sasl_password_maps, local_recipient_maps, ...).
 */
public final class LookupTables {

    private LookupTables() {
    }

    /**
     * Opens one table.
     *
     * @throws ConfigException naming the table when its type is unknown or it cannot be opened
     */
    public static LookupTable open(String name) {
        throw new ConfigException("unsupported lookup table \"" + name + "\" (lookup tables are not implemented yet)");
    }

    /** Opens each table of a maps parameter's list, in order (Postfix searches them in order). */
    public static List<LookupTable> openAll(List<String> names) {
        return names.stream().map(LookupTables::open).toList();
    }
}
