package org.postrelay.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Client host names for the log and the Received header, without blocking on DNS: the first name
 * that the hosts file ({@code /etc/hosts}) gives an address, else {@code unknown}, as Postfix logs
 * a client whose name it cannot find ({@code connect from unknown[192.0.2.7]}).
 */
final class ClientNames {

    static final String UNKNOWN = "unknown";
    static final Path HOSTS = Path.of("/etc/hosts");

    private final Map<InetAddress, String> names;

    private ClientNames(Map<InetAddress, String> names) {
        this.names = names;
    }

    /** Reads the hosts file once; an unreadable one gives no names (every client is unknown). */
    static ClientNames fromHostsFile(Path hosts) {
        Map<InetAddress, String> names = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(hosts, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new ClientNames(Map.of());
        }
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] fields = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
            InetAddress address = fields.length < 2 ? null : IpLiterals.parse(fields[0]);
            if (address != null) {
                names.putIfAbsent(address, fields[1]);
            }
        }
        return new ClientNames(Map.copyOf(names));
    }

    String nameOf(InetAddress address) {
        return names.getOrDefault(address, UNKNOWN);
    }
}
