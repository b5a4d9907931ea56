package org.postrelay.smtp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.LookupTable;
import org.postrelay.config.Parameter;
import org.postrelay.config.Parameters;

/**
 * The SMTP client's SASL settings, read once: whether to authenticate, the password tables, the
 * security options without and with TLS (Cyrus SASL's noplaintext, noactive, nodictionary,
 * noanonymous, mutual_auth, forward_secrecy), smtp_sasl_mechanism_filter and
 * smtp_sasl_auth_soft_bounce; and which mechanism to use with a server, as Postfix with Cyrus picks
 * it. Postrelay speaks PLAIN and LOGIN.
 */
record SaslPolicy(boolean enabled, SaslPasswords passwords, Set<Option> options, Set<Option> tlsOptions,
                  List<String> mechanismFilter, boolean softBounce) {

    /** Cyrus SASL's security options, by their main.cf names. */
    enum Option {
        NOPLAINTEXT, NOACTIVE, NODICTIONARY, NOANONYMOUS, MUTUAL_AUTH, FORWARD_SECRECY;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The mechanisms Postrelay speaks, with the properties Cyrus gives them. */
    enum Mechanism {
        PLAIN, LOGIN;

        /**
         * Both send the password as it is, so they are plaintext, open to active and dictionary attacks,
         * without mutual authentication or forward secrecy; neither is anonymous.
         */
        boolean allowedBy(Set<Option> options) {
            return options.isEmpty() || options.equals(EnumSet.of(Option.NOANONYMOUS));
        }
    }

    /** Reads the settings and opens the password tables; {@code warnings} hears of tables others can read. */
    static SaslPolicy from(Config config, Function<List<String>, List<LookupTable>> openTables,
                           java.util.function.Consumer<String> warnings) {
        boolean enabled = config.bool(Parameters.SMTP_SASL_AUTH_ENABLE);
        SaslPasswords passwords = null;
        if (enabled) {
            List<String> maps = config.list(Parameters.SMTP_SASL_PASSWORD_MAPS);
            if (maps.isEmpty()) {
                throw new ConfigException("smtp_sasl_auth_enable = yes needs a password table: specify one in"
                        + " smtp_sasl_password_maps (e.g. hash:/etc/postfix/sasl_passwd)");
            }
            passwords = new SaslPasswords(openTables.apply(maps));
            PasswordFileModes.check(maps, warnings);
        }
        return new SaslPolicy(enabled, passwords, options(config, Parameters.SMTP_SASL_SECURITY_OPTIONS),
                options(config, Parameters.SMTP_SASL_TLS_SECURITY_OPTIONS), filter(config),
                config.bool(Parameters.SMTP_SASL_AUTH_SOFT_BOUNCE));
    }

    /**
     * The server's offered mechanisms that smtp_sasl_mechanism_filter lets through, in the server's
     * order (Postfix's sasl_mech_filter()): a name includes, "!name" excludes, the first entry that
     * names a mechanism decides, and a mechanism no entry names is left out. An empty filter keeps all.
     */
    List<String> filter(List<String> offered) {
        if (mechanismFilter.isEmpty()) {
            return offered;
        }
        List<String> kept = new ArrayList<>();
        for (String mechanism : offered) {
            for (String entry : mechanismFilter) {
                boolean negated = entry.startsWith("!");
                if ((negated ? entry.substring(1) : entry).equalsIgnoreCase(mechanism)) {
                    if (!negated) {
                        kept.add(mechanism);
                    }
                    break;
                }
            }
        }
        return kept;
    }

    /**
     * The mechanism to use among the (filtered) offered ones: the first, in the server's order, that
     * Postrelay speaks and the security options allow (Cyrus prefers the stronger of mechanisms with
     * different properties; PLAIN and LOGIN have the same).
     */
    Optional<Mechanism> choose(List<String> offered, boolean overTls) {
        Set<Option> in = overTls ? tlsOptions : options;
        for (String name : offered) {
            for (Mechanism m : Mechanism.values()) {
                if (m.name().equalsIgnoreCase(name) && m.allowedBy(in)) {
                    return Optional.of(m);
                }
            }
        }
        return Optional.empty();
    }

    private static Set<Option> options(Config config, Parameter p) {
        Set<Option> options = EnumSet.noneOf(Option.class);
        for (String item : config.list(p)) {
            try {
                options.add(Option.valueOf(item.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(p.name() + " = \"" + config.get(p) + "\": unknown SASL security option \""
                        + item + "\" (expected noplaintext, noactive, nodictionary, noanonymous, mutual_auth or"
                        + " forward_secrecy)");
            }
        }
        return options;
    }

    private static List<String> filter(Config config) {
        List<String> entries = config.list(Parameters.SMTP_SASL_MECHANISM_FILTER);
        for (String e : entries) {
            String name = e.startsWith("!") ? e.substring(1) : e;
            if (name.isEmpty() || name.startsWith("/") || name.contains(":")) {
                throw new ConfigException("smtp_sasl_mechanism_filter = \"" + config.get(Parameters.SMTP_SASL_MECHANISM_FILTER)
                        + "\": \"" + e + "\" is not supported; list mechanism names, or !name to exclude one"
                        + " (/file/name patterns and type:table lookups are not supported)");
            }
        }
        return entries;
    }
}
