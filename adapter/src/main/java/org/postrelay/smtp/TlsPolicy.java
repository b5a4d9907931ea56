package org.postrelay.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.Parameter;
import org.postrelay.config.Parameters;

/**
 * The SMTP client's TLS policy, read once from the configuration as Postfix computes its global
 * policy (smtp_tls_policy.c): the security level, from smtp_tls_security_level or else the legacy
 * smtp_use_tls / smtp_enforce_tls / smtp_tls_enforce_peername, and what each level uses (protocols,
 * cipher grade, certificate names to match).
 *
 * @param level            the security level
 * @param wrapperMode      TLS from the first byte (SMTPS) instead of STARTTLS
 * @param logLevel         smtp_tls_loglevel
 * @param starttlsTimeout  time limit for the STARTTLS reply and the handshake
 * @param protocols        JSSE protocol names for "may"; empty: the JVM's defaults
 * @param mandatoryProtocols likewise for encrypt and above
 * @param ciphers          cipher grade for "may"
 * @param mandatoryCiphers cipher grade for encrypt and above
 * @param verifyMatch      smtp_tls_verify_cert_match strategies and names
 * @param secureMatch      smtp_tls_secure_cert_match strategies and names
 */
record TlsPolicy(Level level, boolean wrapperMode, int logLevel, Duration starttlsTimeout,
                 List<String> protocols, List<String> mandatoryProtocols, CipherGrade ciphers,
                 CipherGrade mandatoryCiphers, List<String> verifyMatch, List<String> secureMatch) {

    /** Postfix's security levels that Postrelay supports, weakest first. */
    enum Level {
        NONE, MAY, ENCRYPT, VERIFY, SECURE;

        /** TLS or no delivery (Postfix's TLS_REQUIRED). */
        boolean required() {
            return compareTo(ENCRYPT) >= 0;
        }

        /** A trusted certificate matching the expected names or no delivery (TLS_MUST_MATCH). */
        boolean mustMatch() {
            return compareTo(VERIFY) >= 0;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static TlsPolicy from(Config config) {
        Level level = level(config);
        boolean wrapper = config.bool(Parameters.SMTP_TLS_WRAPPERMODE);
        if (wrapper && !level.required()) {
            throw new ConfigException("smtp_tls_wrappermode = yes requires smtp_tls_security_level = encrypt (or"
                    + " stronger); the level is " + level);
        }
        List<String> verifyMatch = matchList(config, Parameters.SMTP_TLS_VERIFY_CERT_MATCH);
        List<String> secureMatch = matchList(config, Parameters.SMTP_TLS_SECURE_CERT_MATCH);
        if (level == Level.VERIFY && verifyMatch.isEmpty() || level == Level.SECURE && secureMatch.isEmpty()) {
            throw new ConfigException("smtp_tls_" + level + "_cert_match is empty: no server certificate could match"
                    + " at smtp_tls_security_level = " + level + " (expected hostname, nexthop, dot-nexthop,"
                    + " names or .domain suffixes)");
        }
        return new TlsPolicy(level, wrapper, (int) config.integer(Parameters.SMTP_TLS_LOGLEVEL),
                config.time(Parameters.SMTP_STARTTLS_TIMEOUT),
                TlsProtocols.parse("smtp_tls_protocols", config.get(Parameters.SMTP_TLS_PROTOCOLS)),
                TlsProtocols.parse("smtp_tls_mandatory_protocols", config.get(Parameters.SMTP_TLS_MANDATORY_PROTOCOLS)),
                CipherGrade.parse("smtp_tls_ciphers", config.get(Parameters.SMTP_TLS_CIPHERS)),
                CipherGrade.parse("smtp_tls_mandatory_ciphers", config.get(Parameters.SMTP_TLS_MANDATORY_CIPHERS)),
                verifyMatch, secureMatch);
    }

    /** As Postfix's global_tls_level(): the explicit level, else what the obsolete booleans mean. */
    static Level level(Config config) {
        String value = config.get(Parameters.SMTP_TLS_SECURITY_LEVEL);
        if (!value.isEmpty()) {
            for (Level l : Level.values()) {
                if (l.toString().equalsIgnoreCase(value)) {
                    return l;
                }
            }
            throw new ConfigException("smtp_tls_security_level = \"" + value + "\": expected none, may, encrypt,"
                    + " verify or secure (dane, dane-only and fingerprint are not supported)");
        }
        if (config.bool(Parameters.SMTP_ENFORCE_TLS)) {
            return config.bool(Parameters.SMTP_TLS_ENFORCE_PEERNAME) ? Level.VERIFY : Level.ENCRYPT;
        }
        return config.bool(Parameters.SMTP_USE_TLS) ? Level.MAY : Level.NONE;
    }

    /** The protocols for this level: opportunistic for "may", mandatory above. */
    List<String> protocolsFor(Level l) {
        return l == Level.MAY ? protocols : mandatoryProtocols;
    }

    CipherGrade ciphersFor(Level l) {
        return l == Level.MAY ? ciphers : mandatoryCiphers;
    }

    /**
     * The names a server certificate must match at this level, strategies resolved as Postfix's
     * add_namechecks(): "hostname" is the server's host name, "nexthop" the nexthop domain and
     * "dot-nexthop" its subdomains (".domain"); other entries are names or ".domain" suffixes.
     */
    List<String> matchNames(Level l, String nexthopDomain, String hostName) {
        List<String> strategies = l == Level.SECURE ? secureMatch : l == Level.VERIFY ? verifyMatch : List.of();
        List<String> names = new ArrayList<>();
        for (String s : strategies) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "hostname" -> names.add(hostName);
                case "nexthop" -> names.add(nexthopDomain);
                case "dot-nexthop" -> names.add("." + nexthopDomain);
                default -> names.add(s);
            }
        }
        return names;
    }

    /** A cert match list: items separated by commas, whitespace or colons, "." alone refused. */
    private static List<String> matchList(Config config, Parameter p) {
        List<String> items = new ArrayList<>();
        for (String item : config.list(p)) {
            for (String part : item.split(":")) {
                if (part.equals(".")) {
                    throw new ConfigException(p.name() + " = \"" + config.get(p) + "\": \".\" is not a name or"
                            + " .domain suffix");
                }
                if (!part.isEmpty()) {
                    items.add(part);
                }
            }
        }
        return List.copyOf(items);
    }
}
