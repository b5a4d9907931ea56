package org.postrelay.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One destination in relayhost syntax: "[host]:port" and "[host]" turn MX look-up off, "host:port"
 * and "host" keep it on; without a port, the caller's default (smtp_tcp_port, 25 unless set).
 */
public record Nexthop(String host, int port, boolean mxLookup) {

    public static final int SMTP_PORT = 25;

    /** Service names Postfix knows without /etc/services (its known_tcp_ports default). */
    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("\\d{1,5}");
    private static final Map<String, Integer> KNOWN_PORTS = Map.of("smtp", 25, "submission", 587,
            "submissions", 465, "smtps", 465, "lmtp", 24);

    public Nexthop {
        if (host == null || host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("bad nexthop host: \"" + host + "\"");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad nexthop port for " + host + ": " + port);
        }
    }

    /** Parses relayhost syntax, port 25 when none is given; IllegalArgumentException naming the value if it is not. */
    public static Nexthop parse(String relayhost) {
        return parse(relayhost, SMTP_PORT);
    }

    /** Parses relayhost syntax with the given default port; IllegalArgumentException naming the value if it is not. */
    public static Nexthop parse(String relayhost, int defaultPort) {
        if (relayhost == null) {
            throw new IllegalArgumentException("bad relayhost value: null");
        }
        String text = relayhost.trim();
        try {
            String host;
            String rest;
            boolean mx;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("missing ']'");
                }
                host = text.substring(1, close);
                rest = text.substring(close + 1);
                mx = false;
                if (host.regionMatches(true, 0, "ipv6:", 0, 5)) {
                    host = host.substring(5);                  // Postfix's [ipv6:addr] form
                }
            } else {
                int colon = text.lastIndexOf(':');
                if (colon >= 0 && text.indexOf(':') != colon) {
                    throw new IllegalArgumentException("an IPv6 address must be written [ipv6:...]");
                }
                host = colon < 0 ? text : text.substring(0, colon);
                rest = colon < 0 ? "" : text.substring(colon);
                mx = true;
            }
            int port = defaultPort;
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":") || rest.length() == 1) {
                    throw new IllegalArgumentException("expected \":port\" after the host, found \"" + rest + "\"");
                }
                port = port(rest.substring(1));
            }
            return new Nexthop(host, port, mx);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad relayhost value: \"" + relayhost
                    + "\" (expected host, host:port, [host] or [host]:port): " + e.getMessage(), e);
        }
    }

    /**
     * A list of destinations separated by commas and/or whitespace, as relayhost (Postfix 3.5 and
     * later) and smtp_fallback_relay take them; empty for an empty value.
     */
    public static List<Nexthop> parseList(String list, int defaultPort) {
        List<Nexthop> nexthops = new ArrayList<>();
        for (String item : list.trim().split("[\\s,]+")) {
            if (!item.isEmpty()) {
                nexthops.add(parse(item, defaultPort));
            }
        }
        return List.copyOf(nexthops);
    }

    /** A TCP port: 1 to 65535, or a service name Postfix knows (smtp, submission, submissions, smtps, lmtp). */
    public static int port(String service) {
        String s = service.trim();
        if (DIGITS.matcher(s).matches()) {
            int port = Integer.parseInt(s);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } else {
            Integer known = KNOWN_PORTS.get(s.toLowerCase(Locale.ROOT));
            if (known != null) {
                return known;
            }
        }
        throw new IllegalArgumentException("bad port \"" + service
                + "\": expected 1-65535 or one of smtp, submission, submissions, smtps, lmtp");
    }

    /** Back in Postfix syntax, e.g. "[127.0.0.1]:2525" or "mail.example.com". */
    @Override
    public String toString() {
        String h = mxLookup ? host : host.indexOf(':') >= 0 ? "[ipv6:" + host + "]" : "[" + host + "]";
        return port == SMTP_PORT ? h : h + ":" + port;
    }
}
