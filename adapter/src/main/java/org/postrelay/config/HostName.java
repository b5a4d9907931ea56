package org.postrelay.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's host name for the {@code myhostname} default, found without DNS (as Postfix uses
 * gethostname(2)), and the {@code mydomain} derived from it.
 */
final class HostName {

    /** Postfix appends this to a name without a dot, and uses it as mydomain of last resort. */
    static final String LOCALDOMAIN = "localdomain";

    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private HostName() {
    }

    /** The local host name, made fully qualified with ".localdomain" when it has no dot. */
    static String local() {
        return qualified(unqualifiedLocal());
    }

    /** Adds ".localdomain" to a name without a dot, as Postfix's check_myhostname() does. */
    static String qualified(String name) {
        return name.indexOf('.') >= 0 ? name : name + "." + LOCALDOMAIN;
    }

    /** myhostname minus its first label, or "localdomain" when nothing is left. */
    static String domainOf(String hostname) {
        int dot = hostname.indexOf('.');
        String rest = dot < 0 ? "" : hostname.substring(dot + 1).trim();
        return rest.isEmpty() ? LOCALDOMAIN : rest;
    }

    // InetAddress.getLocalHost() is avoided on purpose: it resolves the name and can block on DNS.
    private static String unqualifiedLocal() {
        try {
            if (Files.isReadable(KERNEL_HOSTNAME)) {
                String name = Files.readString(KERNEL_HOSTNAME, StandardCharsets.US_ASCII).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the environment: a host name is never worth failing the start for
        }
        for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String name = System.getenv(variable);
            if (name != null && !name.isBlank()) {
                return name.trim();
            }
        }
        return "localhost";
    }
}
