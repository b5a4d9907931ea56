package org.postrelay.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postrelay.config.LookupTable;

/**
 * smtp_sasl_password_maps, looked up as Postfix's smtp_sasl_passwd_lookup() does: first the server's
 * host name, then the nexthop as relayhost writes it ("[smtp.example.com]:587"), each key in every
 * table in order before the next key. The value is "username:password" (no colon: an empty password).
 * Sender-dependent keys (smtp_sender_dependent_authentication) are not looked up.
 */
final class SaslPasswords {

    /** A user name and its password; toString never shows the password. */
    record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=(hidden)]";
        }
    }

    private final List<LookupTable> tables;

    SaslPasswords(List<LookupTable> tables) {
        this.tables = List.copyOf(tables);
    }

    /** The keys in Postfix's order for a server host name and the nexthop it serves. */
    static List<String> keys(String host, Nexthop nexthop) {
        List<String> keys = new ArrayList<>();
        keys.add(host);
        String written = nexthop.toString();
        if (!keys.contains(written)) {
            keys.add(written);
        }
        if (nexthop.port() == Nexthop.SMTP_PORT) {
            // toString() drops ":25"; the relayhost may have spelled it out, and Postfix's key is as written
            keys.add(written + ":" + Nexthop.SMTP_PORT);
        }
        return keys;
    }

    /**
     * The credentials for this server, or empty: then Postfix does not authenticate.
     *
     * @throws org.postrelay.config.ConfigException when a table cannot be read (Postfix defers then)
     */
    Optional<Credentials> find(String host, Nexthop nexthop) {
        for (String key : keys(host, nexthop)) {
            for (LookupTable table : tables) {
                Optional<String> value = table.lookup(key);
                if (value.isPresent()) {
                    String v = value.get();
                    int colon = v.indexOf(':');
                    return Optional.of(colon < 0 ? new Credentials(v, "")
                            : new Credentials(v.substring(0, colon), v.substring(colon + 1)));
                }
            }
        }
        return Optional.empty();
    }

    /** The tables' names, for log lines. */
    String names() {
        return String.join(", ", tables.stream().map(LookupTable::name).toList());
    }
}
