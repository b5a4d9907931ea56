package org.postrelay.smtp;

/**
 * Where a delivery goes, in relayhost syntax: "[host]:port" and "[host]" turn MX look-up off,
 * "host:port" and "host" keep it on; the port defaults to 25.
 */
public record Nexthop(String host, int port, boolean mxLookup) {

    public static final int SMTP_PORT = 25;

    public Nexthop {
        if (host == null || host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("bad nexthop host: \"" + host + "\"");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad nexthop port for " + host + ": " + port);
        }
    }

    /** Parses relayhost syntax; IllegalArgumentException naming the value if it is not. */
    public static Nexthop parse(String relayhost) {
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
            int port = SMTP_PORT;
            if (!rest.isEmpty()) {
                if (!rest.matches(":\\d{1,5}")) {
                    throw new IllegalArgumentException("expected \":port\" after the host, found \"" + rest + "\"");
                }
                port = Integer.parseInt(rest.substring(1));
            }
            return new Nexthop(host, port, mx);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad relayhost value: \"" + relayhost
                    + "\" (expected host, host:port, [host] or [host]:port): " + e.getMessage(), e);
        }
    }

    /** Back in Postfix syntax, e.g. "[127.0.0.1]:2525" or "mail.example.com". */
    @Override
    public String toString() {
        String h = mxLookup ? host : host.indexOf(':') >= 0 ? "[ipv6:" + host + "]" : "[" + host + "]";
        return port == SMTP_PORT ? h : h + ":" + port;
    }
}
