package org.postrelay.local;

import java.util.Locale;

/**
 * The user a local recipient is delivered to, derived as Postfix's local(8) does: the local part
 * (unquoted) folded to lower case, with the {@code recipient_delimiter} extension split off
 * ({@code Bob+Lists@example.com} is user {@code bob}, extension {@code lists}).
 *
 * @param localPart the folded local part, extension included
 * @param user      the folded local part without the extension; may be empty (Postfix bounces that)
 * @param extension the extension without its delimiter, or null when there is none
 * @param domain    the folded domain
 */
record LocalUser(String localPart, String user, String extension, String domain) {

    /**
     * @param recipient  a queued envelope recipient (external form: a local part with spaces is quoted)
     * @param delimiters {@code recipient_delimiter}: any of these characters starts an extension
     */
    static LocalUser of(String recipient, String delimiters) {
        int at = recipient.lastIndexOf('@');
        String local = unquote(at < 0 ? recipient : recipient.substring(0, at)).toLowerCase(Locale.ROOT);
        String domain = at < 0 ? "" : recipient.substring(at + 1).toLowerCase(Locale.ROOT);
        int split = splitPoint(local, delimiters);
        if (split < 0) {
            return new LocalUser(local, local, null, domain);
        }
        return new LocalUser(local, local.substring(0, split), local.substring(split + 1), domain);
    }

    /** Where the extension starts, or -1; reserved names are never split (Postfix's split_addr). */
    private static int splitPoint(String local, String delimiters) {
        if (delimiters.isEmpty() || local.equals("postmaster") || local.equals("mailer-daemon")
                || local.equals("double-bounce")) {
            return -1;
        }
        // owner_request_special = yes (Postfix's default): owner-foo and foo-request stay whole.
        if (delimiters.indexOf('-') >= 0 && (local.startsWith("owner-") || local.length() > 8
                && local.endsWith("-request"))) {
            return -1;
        }
        for (int i = 0; i < local.length(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) {
                return i == 0 ? -1 : i;                       // never a null user
            }
        }
        return -1;
    }

    /** The internal form of a quoted local part: {@code "john doe"} is {@code john doe}. */
    private static String unquote(String local) {
        if (local.indexOf('"') < 0) {
            return local;
        }
        StringBuilder plain = new StringBuilder(local.length());
        boolean escaped = false;
        for (char c : local.toCharArray()) {
            if (escaped) {
                plain.append(c);
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c != '"') {
                plain.append(c);
            }
        }
        return plain.toString();
    }
}
