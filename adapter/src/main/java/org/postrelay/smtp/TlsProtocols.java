package org.postrelay.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postrelay.config.ConfigException;

/**
 * Postfix's TLS protocol list syntax (smtp_tls_protocols, smtp_tls_mandatory_protocols) turned into
 * the JSSE protocol names to enable, as tls_proto_mask_lims() and OpenSSL read it: "&gt;=TLSv1.2" and
 * "&lt;=TLSv1.3" bound the range (names or hex numbers such as 0303), "!SSLv3" excludes, a bare name
 * includes (everything not included is excluded). As with OpenSSL the result is contiguous: from the
 * lowest enabled version upwards until the first disabled one.
 */
final class TlsProtocols {

    /** Postfix's known protocols, lowest first, with their wire versions. */
    private static final List<String> KNOWN = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    private static final int[] VERSIONS = {0x0200, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304};

    private TlsProtocols() {
    }

    /**
     * The protocols the value enables, lowest first; empty for an empty value (the JVM's defaults).
     * SSLv2 is never among them: the JVM does not speak it.
     *
     * @throws ConfigException naming the parameter for an unknown name or a list that enables nothing
     */
    static List<String> parse(String parameter, String value) {
        List<String> tokens = new ArrayList<>();
        for (String t : value.split("[,\\s:]+")) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            return List.of();
        }
        int floor = 0;
        int ceiling = Integer.MAX_VALUE;
        boolean[] include = new boolean[KNOWN.size()];
        boolean[] exclude = new boolean[KNOWN.size()];
        boolean includes = false;
        for (String t : tokens) {
            if (t.startsWith(">=")) {
                floor = version(parameter, value, t.substring(2));
            } else if (t.startsWith("<=")) {
                ceiling = version(parameter, value, t.substring(2));
            } else if (t.startsWith("!")) {
                exclude[index(parameter, value, t.substring(1))] = true;
            } else {
                include[index(parameter, value, t)] = true;
                includes = true;
            }
        }
        List<String> enabled = new ArrayList<>();
        for (int i = 1; i < KNOWN.size(); i++) {               // SSLv2: not in any JVM
            boolean on = !exclude[i] && (!includes || include[i]) && VERSIONS[i] >= floor && VERSIONS[i] <= ceiling;
            if (on) {
                enabled.add(KNOWN.get(i));
            } else if (!enabled.isEmpty()) {
                break;                                          // a hole ends the range, as in OpenSSL
            }
        }
        if (enabled.isEmpty()) {
            throw new ConfigException(parameter + " = \"" + value + "\" enables no TLS protocol (expected e.g."
                    + " \">=TLSv1.2\" or \"!SSLv2, !SSLv3\"; known: " + String.join(", ", KNOWN) + ")");
        }
        return List.copyOf(enabled);
    }

    private static int index(String parameter, String value, String name) {
        for (int i = 0; i < KNOWN.size(); i++) {
            if (KNOWN.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new ConfigException(parameter + " = \"" + value + "\": unknown TLS protocol \"" + name
                + "\" (known: " + String.join(", ", KNOWN) + ")");
    }

    /** A protocol name or a hexadecimal version ("0303", "0x303", "303") as a wire version number. */
    private static int version(String parameter, String value, String text) {
        for (int i = 0; i < KNOWN.size(); i++) {
            if (KNOWN.get(i).equalsIgnoreCase(text)) {
                return VERSIONS[i];
            }
        }
        String hex = text.toLowerCase(Locale.ROOT).startsWith("0x") ? text.substring(2) : text;
        if (hex.matches("[0-9a-fA-F]{1,4}")) {
            return Integer.parseInt(hex, 16);
        }
        throw new ConfigException(parameter + " = \"" + value + "\": bad protocol version \"" + text
                + "\" (expected one of " + String.join(", ", KNOWN) + " or a hex number such as 0303)");
    }
}
