package org.postrelay.local;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.LookupTable;
import org.postrelay.config.LookupTables;
import org.postrelay.config.Parameters;

/**
 * Which local users exist: {@code local_recipient_maps}, searched as Postfix's smtpd does
 * (mail_addr_find: {@code user+ext@domain}, {@code user@domain}, {@code user+ext}, {@code user},
 * {@code @domain}, each key in every table before the next key). An empty parameter knows every
 * user. {@code postmaster} and {@code mailer-daemon} always exist, as Postfix's smtpd lets them
 * through. The {@code alias_maps} tables named in it are skipped: aliases are not supported.
 */
final class LocalRecipients {

    private final List<LookupTable> tables;
    private final boolean everyone;
    private final String delimiters;
    private final List<String> warnings;

    /** @param tables null: every local part is a user (an empty local_recipient_maps) */
    LocalRecipients(List<LookupTable> tables, String delimiters, List<String> warnings) {
        this.everyone = tables == null;
        this.tables = tables == null ? List.of() : List.copyOf(tables);
        this.delimiters = delimiters;
        this.warnings = List.copyOf(warnings);
    }

    static LocalRecipients from(Config config) {
        List<String> names = config.list(Parameters.LOCAL_RECIPIENT_MAPS);
        String delimiters = config.get(Parameters.RECIPIENT_DELIMITER);
        if (names.isEmpty()) {
            return new LocalRecipients(null, delimiters, List.of());
        }
        Set<String> aliasTables = new LinkedHashSet<>();
        config.list(Parameters.ALIAS_MAPS).forEach(a -> aliasTables.add(withoutProxy(a)));
        List<LookupTable> tables = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String name : names) {
            if (!aliasTables.contains(withoutProxy(name))) {
                tables.add(open(name));
            }
        }
        if (tables.isEmpty()) {
            warnings.add("local_recipient_maps = " + config.get(Parameters.LOCAL_RECIPIENT_MAPS)
                    + " names only alias_maps tables, which are not supported: every local recipient"
                    + " but postmaster is unknown (list a table of users, or set local_recipient_maps empty)");
        }
        return new LocalRecipients(tables, delimiters, warnings);
    }

    /** Opens one table ({@code proxy:} and {@code unix:} included). */
    static LookupTable open(String name) {
        return LookupTables.open(withoutProxy(name));       // proxy: is only Postfix's privilege wrapper
    }

    private static String withoutProxy(String name) {
        String table = name;
        while (table.startsWith("proxy:")) {
            table = table.substring("proxy:".length());
        }
        return table;
    }

    /**
     * Whether the recipient is a known local user.
     *
     * @throws ConfigException when a table cannot be read
     */
    boolean known(String recipient) {
        if (everyone) {
            return true;
        }
        LocalUser user = LocalUser.of(recipient, delimiters);
        if (user.localPart().equals("postmaster") || user.localPart().equals("mailer-daemon")) {
            return true;
        }
        for (String key : keys(user)) {
            for (LookupTable table : tables) {
                if (table.lookup(key).isPresent()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The table names searched, for messages. */
    String describe() {
        if (everyone) {
            return "(empty: every user)";
        }
        return String.join(" ", tables.stream().map(LookupTable::name).toList());
    }

    List<String> warnings() {
        return warnings;
    }

    private static List<String> keys(LocalUser user) {
        List<String> keys = new ArrayList<>();
        String at = user.domain().isEmpty() ? "" : "@" + user.domain();
        keys.add(user.localPart() + at);
        if (user.extension() != null) {
            keys.add(user.user() + at);
        }
        keys.add(user.localPart());
        if (user.extension() != null) {
            keys.add(user.user());
        }
        if (!at.isEmpty()) {
            keys.add(at);
        }
        return keys;
    }
}
