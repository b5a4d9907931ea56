package org.postrelay.smtpd;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.Parameters;

/**
 * Where smtpd listens: {@code inet_interfaces} ({@code all}, {@code loopback-only} or a list of
 * addresses and host names) filtered by {@code inet_protocols} ({@code ipv4}, {@code ipv6},
 * {@code all}), or the host of a {@code host:port} master.cf service, which wins as in Postfix.
 */
final class ListenAddresses {

    /**
     * One address to bind; {@code address} null is the wildcard. {@code optional}: a loopback
     * address that may be missing (IPv6 disabled on the host) without failing the start.
     */
    record Bind(InetAddress address, boolean optional) {
        String describe(int port) {
            if (address == null) {
                return "*:" + port;
            }
            String text = IpLiterals.text(address);
            return (address instanceof Inet6Address ? "[" + text + "]" : text) + ":" + port;
        }
    }

    private ListenAddresses() {
    }

    /** The addresses for a service; {@code serviceHost} is the master.cf host part, "" for none. */
    static List<Bind> of(Config config, String serviceHost) {
        Set<String> protocols = protocols(config);
        boolean ipv4 = protocols.contains("ipv4");
        boolean ipv6 = protocols.contains("ipv6");
        List<String> items = serviceHost.isEmpty() ? config.list(Parameters.INET_INTERFACES) : List.of(serviceHost);
        String source = serviceHost.isEmpty() ? "parameter inet_interfaces" : "master.cf service host";
        if (items.isEmpty()) {
            throw new ConfigException("bad value for " + source + ": empty (expected all, loopback-only or a list"
                    + " of addresses)");
        }
        Set<Bind> binds = new LinkedHashSet<>();
        for (String item : items) {
            switch (item.toLowerCase(Locale.ROOT)) {
                case "all" -> binds.add(new Bind(ipv6 ? null : wildcard4(), false));
                case "loopback-only" -> {
                    if (ipv4) {
                        binds.add(new Bind(IpLiterals.parse("127.0.0.1"), false));
                    }
                    if (ipv6) {
                        binds.add(new Bind(IpLiterals.parse("::1"), ipv4));
                    }
                }
                default -> resolve(source, item, ipv4, ipv6).forEach(a -> binds.add(new Bind(a, false)));
            }
        }
        if (binds.stream().anyMatch(b -> b.address() == null)) {
            return List.of(new Bind(null, false));            // the wildcard covers every address
        }
        return List.copyOf(binds);
    }

    private static InetAddress wildcard4() {
        return IpLiterals.parse("0.0.0.0");
    }

    private static List<InetAddress> resolve(String source, String item, boolean ipv4, boolean ipv6) {
        String host = item.startsWith("[") && item.endsWith("]") ? item.substring(1, item.length() - 1) : item;
        InetAddress[] all;
        InetAddress literal = IpLiterals.parse(host);
        if (literal != null) {
            all = new InetAddress[] {literal};
        } else {
            try {
                all = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new ConfigException("bad value for " + source + ": \"" + item
                        + "\": host not found (expected all, loopback-only, an IP address or a resolvable host name)");
            }
        }
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : all) {
            if (a instanceof Inet4Address ? ipv4 : ipv6) {
                out.add(a);
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException("bad value for " + source + ": \"" + item
                    + "\": no address of a protocol enabled by inet_protocols = " + String.join(", ",
                    ipv4 ? List.of("ipv4") : ipv6 ? List.of("ipv6") : List.of()));
        }
        return out;
    }

    private static Set<String> protocols(Config config) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : config.list(Parameters.INET_PROTOCOLS)) {
            switch (p.toLowerCase(Locale.ROOT)) {
                case "all" -> {
                    out.add("ipv4");
                    out.add("ipv6");
                }
                case "ipv4", "ipv6" -> out.add(p.toLowerCase(Locale.ROOT));
                default -> throw new ConfigException("bad value for parameter inet_protocols: \"" + p
                        + "\" (expected all, ipv4 or ipv6)");
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException("bad value for parameter inet_protocols: empty (expected all, ipv4 or ipv6)");
        }
        return out;
    }
}
