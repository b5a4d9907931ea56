package org.postrelay.smtp;

import java.util.List;
import java.util.Locale;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.Parameter;
import org.postrelay.config.Parameters;

/**
 * The parameters that decide where a delivery goes and in what order servers are tried, read and
 * checked once: a bad value is a {@link ConfigException} naming the parameter when the client is made.
 */
record RoutingSettings(int tcpPort, boolean ipv4, boolean ipv6, AddressPreference addressPreference,
                       int mxAddressLimit, int mxSessionLimit, boolean randomizeAddresses,
                       boolean balanceInetProtocols, boolean skip5xxGreeting, List<Nexthop> relayhost,
                       List<Nexthop> fallbackRelay) {

    /** smtp_address_preference: which family goes first among addresses of equal MX preference. */
    enum AddressPreference { ANY, IPV4, IPV6 }

    static RoutingSettings from(Config config) {
        int port;
        String service = config.get(Parameters.SMTP_TCP_PORT);
        try {
            port = Nexthop.port(service);
        } catch (IllegalArgumentException e) {
            throw config.invalid(Parameters.SMTP_TCP_PORT, service,
                    "a port 1-65535 or one of smtp, submission, submissions, smtps, lmtp");
        }
        boolean ipv4 = false;
        boolean ipv6 = false;
        List<String> protocols = config.list(Parameters.INET_PROTOCOLS);
        for (String p : protocols) {
            switch (p.toLowerCase(Locale.ROOT)) {
                case "all" -> ipv4 = ipv6 = true;
                case "ipv4" -> ipv4 = true;
                case "ipv6" -> ipv6 = true;
                default -> throw config.invalid(Parameters.INET_PROTOCOLS, config.get(Parameters.INET_PROTOCOLS),
                        "ipv4, ipv6, \"ipv4, ipv6\" or all");
            }
        }
        if (!ipv4 && !ipv6) {
            throw config.invalid(Parameters.INET_PROTOCOLS, config.get(Parameters.INET_PROTOCOLS),
                    "ipv4, ipv6, \"ipv4, ipv6\" or all");
        }
        String preference = config.get(Parameters.SMTP_ADDRESS_PREFERENCE);
        AddressPreference addressPreference = switch (preference.toLowerCase(Locale.ROOT)) {
            case "any" -> AddressPreference.ANY;
            case "ipv4" -> AddressPreference.IPV4;
            case "ipv6" -> AddressPreference.IPV6;
            default -> throw config.invalid(Parameters.SMTP_ADDRESS_PREFERENCE, preference, "ipv6, ipv4 or any");
        };
        return new RoutingSettings(port, ipv4, ipv6, addressPreference,
                (int) config.integer(Parameters.SMTP_MX_ADDRESS_LIMIT),
                (int) config.integer(Parameters.SMTP_MX_SESSION_LIMIT),
                config.bool(Parameters.SMTP_RANDOMIZE_ADDRESSES),
                config.bool(Parameters.SMTP_BALANCE_INET_PROTOCOLS),
                config.bool(Parameters.SMTP_SKIP_5XX_GREETING),
                destinations(config, Parameters.RELAYHOST, port),
                destinations(config, Parameters.SMTP_FALLBACK_RELAY, port));
    }

    /** The destinations of one delivery: its nexthop list, in relayhost syntax, with the default port applied. */
    List<Nexthop> parse(String destination) {
        return Nexthop.parseList(destination, tcpPort);
    }

    private static List<Nexthop> destinations(Config config, Parameter p, int port) {
        String value = config.get(p);
        for (String item : config.list(p)) {
            try {
                Nexthop.parse(item, port);
            } catch (IllegalArgumentException e) {
                String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
                throw config.invalid(p, value, "host, host:port, [host] or [host]:port, separated by commas or"
                        + " spaces; \"" + item + "\": " + why);
            }
        }
        return Nexthop.parseList(value, port);
    }
}
