package org.postrelay.smtpd;

import java.net.InetAddress;
import org.postrelay.smtp.InetAddressText;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals parsed without DNS: {@link InetAddress#getByName} looks up anything that is
 * not a valid literal (such as {@code 300.1.1.1}), so only checked text reaches it.
 */
final class IpLiterals {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private IpLiterals() {
    }

    /** The address, or null when {@code text} is not an IPv4 or IPv6 literal (brackets not allowed). */
    static InetAddress parse(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);              // a literal: never asks DNS
        } catch (UnknownHostException e) {
            return null;                                     // malformed IPv6 literal
        }
    }

    /** An address as Postfix prints it (see {@link InetAddressText}). */
    static String text(InetAddress address) {
        return InetAddressText.text(address);
    }

    static boolean isIpv6Text(String text) {
        return text.indexOf(':') >= 0;
    }
}
