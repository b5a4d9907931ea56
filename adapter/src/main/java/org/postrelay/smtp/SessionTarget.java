package org.postrelay.smtp;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * One server address to try: the server's host name (the MX host, the relayhost's host, or the
 * address itself for a numeric destination), one of its addresses, and the TCP port. The host
 * name is what relay=host[addr]:port shows and what a certificate is matched against.
 */
record SessionTarget(String hostName, InetAddress address, int port) {

    /** "host[addr]", as Postfix names a server in diagnostics. */
    String relayName() {
        return hostName + "[" + text(address) + "]";
    }

    /** "host[addr]:port", as Postfix's relay= shows it. */
    String relay() {
        return relayName() + ":" + port;
    }

    boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** An address as Postfix prints it: dotted quad, or IPv6 in its shortest form ("::1", not "0:0:0:0:0:0:0:1"). */
    static String text(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;                     // RFC 5952: a single zero group is not shortened
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }
}
