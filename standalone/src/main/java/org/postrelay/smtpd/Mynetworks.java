package org.postrelay.smtpd;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.postrelay.config.ConfigException;

/**
 * The {@code mynetworks} matcher: which clients may relay. Entries as Postfix writes them, without
 * DNS: {@code 127.0.0.0/8}, {@code [::ffff:127.0.0.0]/104}, {@code [::1]/128}, and bare addresses
 * ({@code 192.0.2.7}, {@code [::1]}). An IPv4-mapped IPv6 network also matches the IPv4 clients it
 * maps. Host names, {@code type:table} lookups and {@code !} exclusions are refused at start-up.
 */
public final class Mynetworks {

    /** One network: address bytes (4 or 16) and prefix length. */
    private record Network(byte[] address, int prefix) {
        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (address[full] & mask);
        }
    }

    private final List<Network> networks;
    private final String text;

    private Mynetworks(List<Network> networks, String text) {
        this.networks = networks;
        this.text = text;
    }

    /** Parses the items of {@code mynetworks}; a bad item is a ConfigException naming it. */
    public static Mynetworks parse(List<String> items) {
        List<Network> networks = new ArrayList<>();
        for (String item : items) {
            networks.add(network(item));
        }
        return new Mynetworks(List.copyOf(networks), String.join(" ", items));
    }

    public boolean contains(InetAddress client) {
        byte[] bytes = client.getAddress();
        for (Network n : networks) {
            if (n.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }

    private static Network network(String item) {
        if (!item.matches("[0-9A-Fa-f:.\\[\\]/]+")) {
            throw bad(item, "host names, type:table lookups, /file/name patterns and ! exclusions are not supported");
        }
        String address = item;
        int prefix = -1;
        int slash = item.indexOf('/');
        if (slash >= 0) {
            address = item.substring(0, slash);
            String bits = item.substring(slash + 1);
            if (!bits.matches("[0-9]{1,3}")) {
                throw bad(item, "the prefix length after / must be a number");
            }
            prefix = Integer.parseInt(bits);
        }
        if (address.startsWith("[") && address.endsWith("]")) {   // Postfix's form for IPv6
            address = address.substring(1, address.length() - 1);
        }
        InetAddress parsed = IpLiterals.parse(address);
        if (parsed == null) {
            throw bad(item, "\"" + address + "\" is not an IP address");
        }
        byte[] bytes = bytes(address, parsed);
        int max = bytes.length * 8;
        if (prefix < 0) {
            prefix = max;
        }
        if (prefix > max) {
            throw bad(item, "the prefix length is at most " + max);
        }
        Network network = new Network(bytes, prefix);
        byte[] masked = masked(bytes, prefix);
        if (!Arrays.equals(masked, bytes)) {
            throw bad(item, "non-null host address bits; perhaps you mean " + format(masked, prefix));
        }
        return mappedToIpv4(network);
    }

    private static byte[] bytes(String address, InetAddress parsed) {
        if (IpLiterals.isIpv6Text(address)) {
            // Keep IPv6 form even for ::ffff:a.b.c.d (Java turns those into IPv4 addresses).
            byte[] v6 = new byte[16];
            byte[] b = parsed.getAddress();
            if (b.length == 4) {
                v6[10] = (byte) 0xff;
                v6[11] = (byte) 0xff;
                System.arraycopy(b, 0, v6, 12, 4);
                return v6;
            }
            return b;
        }
        return parsed.getAddress();
    }

    /** {@code [::ffff:a.b.c.d]/n} with n >= 96 also matches IPv4 clients (Java reports them as IPv4). */
    private static Network mappedToIpv4(Network network) {
        byte[] a = network.address();
        if (a.length != 16 || network.prefix() < 96) {
            return network;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return network;
            }
        }
        if (a[10] != (byte) 0xff || a[11] != (byte) 0xff) {
            return network;
        }
        return new Network(Arrays.copyOfRange(a, 12, 16), network.prefix() - 96);
    }

    private static byte[] masked(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        return out;
    }

    private static String format(byte[] bytes, int prefix) {
        try {
            String address = IpLiterals.text(InetAddress.getByAddress(bytes));
            if (bytes.length == 16 && address.indexOf(':') < 0) {
                address = "::ffff:" + address;                 // Java shows mapped addresses as IPv4
            }
            return (bytes.length == 16 ? "[" + address + "]" : address) + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConfigException bad(String item, String why) {
        return new ConfigException("bad value for parameter mynetworks: \"" + item + "\": " + why
                + " (expected an address or network/prefix such as 127.0.0.0/8, 192.0.2.7 or [::1]/128)");
    }
}
