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

    /** An address as Postfix prints it: dotted quad, or IPv6 in its shortest form ("::1"). */
    static String text(InetAddress address) {
        return InetAddressText.text(address);
    }
}
