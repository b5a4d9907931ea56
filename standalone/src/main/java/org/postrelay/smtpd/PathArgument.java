package org.postrelay.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The argument of MAIL FROM / RCPT TO: {@code FROM:<address> PARAM=VALUE ...}. Lenient as
 * Postfix's default ({@code strict_rfc821_envelopes = no}): a space after the colon and an
 * address without angle brackets are accepted; quoted local parts may hold spaces and '>'.
 */
record PathArgument(String address, List<String> parameters) {

    /** The address (brackets removed, "" for {@code <>}) and parameters; null on a syntax error. */
    static PathArgument parse(String arguments, String keyword) {
        if (!arguments.toUpperCase(Locale.ROOT).startsWith(keyword)) {
            return null;
        }
        String rest = arguments.substring(keyword.length()).stripLeading();
        if (rest.isEmpty()) {
            return null;
        }
        String address;
        int end;
        if (rest.charAt(0) == '<') {
            end = closingBracket(rest);
            if (end < 0) {
                return null;
            }
            address = rest.substring(1, end).strip();
            end++;
        } else {
            end = rest.indexOf(' ');
            end = end < 0 ? rest.length() : end;
            address = rest.substring(0, end);
        }
        if (end < rest.length() && rest.charAt(end) != ' ') {
            return null;                                     // junk glued to the address
        }
        List<String> parameters = new ArrayList<>();
        for (String p : rest.substring(end).strip().split(" +")) {
            if (!p.isEmpty()) {
                parameters.add(p);
            }
        }
        return new PathArgument(address, List.copyOf(parameters));
    }

    private static int closingBracket(String text) {
        boolean quoted = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
