package org.postrelay.cleanup;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.postrelay.api.MessageRejectedException;

/**
 * Envelope address canonicalisation: strips angle brackets, refuses what could inject a line or
 * is not an addr-spec, and qualifies a bare name with {@code myorigin} ({@code append_at_myorigin}).
 */
public final class Addresses {

    /** RFC 5321's limit on a path, less the angle brackets. */
    private static final int MAX_ADDRESS_LENGTH = 254;

    private final String myorigin;
    private final boolean appendAtMyorigin;

    public Addresses(String myorigin, boolean appendAtMyorigin) {
        this.myorigin = myorigin;
        this.appendAtMyorigin = appendAtMyorigin;
    }

    /** The envelope sender in canonical form; {@code ""} (or {@code <>}) is the null sender. */
    public String sender(String raw) throws MessageRejectedException {
        if (raw == null) {
            throw new MessageRejectedException("sender is missing: give an address, or \"\" for the null sender <>");
        }
        String address = stripBrackets(raw.strip());
        return address.isEmpty() ? "" : canonical("sender", raw, address);
    }

    /** A recipient in canonical form. */
    public String recipient(String raw) throws MessageRejectedException {
        if (raw == null) {
            throw new MessageRejectedException("recipient is missing (null)");
        }
        String address = stripBrackets(raw.strip());
        if (address.isEmpty()) {
            throw new MessageRejectedException("recipient <> is not an address: the null address can only be a sender");
        }
        return canonical("recipient", raw, address);
    }

    /** The domain of a canonical address, lower-cased. */
    public static String domain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    private String canonical(String role, String raw, String input) throws MessageRejectedException {
        String address = aLabels(role, raw, input);
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new MessageRejectedException(role + " " + quote(raw)
                        + " contains a line break: refused (header injection)");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new MessageRejectedException(role + " " + quote(raw) + " contains a control character");
            }
            if (c > 0x7e) {
                throw new MessageRejectedException(role + " " + quote(raw)
                        + " contains non-ASCII characters: internationalised (SMTPUTF8) addresses are not supported yet");
            }
        }
        String qualified = address;
        if (address.indexOf('@') < 0) {
            if (!appendAtMyorigin) {
                throw new MessageRejectedException(role + " " + quote(raw)
                        + " has no domain and append_at_myorigin = no: write it as user@domain");
            }
            qualified = address + "@" + myorigin;
        }
        if (qualified.length() > MAX_ADDRESS_LENGTH) {
            throw new MessageRejectedException(role + " " + quote(raw) + " is longer than "
                    + MAX_ADDRESS_LENGTH + " characters");
        }
        try {
            InternetAddress parsed = new InternetAddress(qualified, true);
            parsed.validate();
            if (parsed.getPersonal() != null || !qualified.equals(parsed.getAddress())) {
                throw new AddressException("a display name or comment is not an envelope address");
            }
        } catch (AddressException e) {
            throw new MessageRejectedException(role + " " + quote(raw) + " is not a valid address: "
                    + e.getMessage() + " (expected user@domain)", e);
        }
        if (qualified.endsWith("@") || qualified.startsWith("@") || domain(qualified).isEmpty()
                || domain(qualified).contains("..")) {
            throw new MessageRejectedException(role + " " + quote(raw) + " has an empty or malformed domain");
        }
        return qualified;
    }

    /**
     * An internationalised domain (IDN) after an ASCII local part, as its A-labels
     * ({@code user@bücher.example} becomes {@code user@xn--bcher-kva.example}): what Postfix's SMTP
     * client does for a relay without SMTPUTF8, done once at submission since ours never uses
     * SMTPUTF8. A non-ASCII local part has no ASCII form and is refused below.
     */
    private static String aLabels(String role, String raw, String address) throws MessageRejectedException {
        int at = address.lastIndexOf('@');
        if (at < 0 || address.substring(at + 1).chars().allMatch(c -> c < 0x80)
                || !address.substring(0, at).chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return address;
        }
        try {
            return address.substring(0, at + 1) + java.net.IDN.toASCII(address.substring(at + 1),
                    java.net.IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new MessageRejectedException(role + " " + quote(raw) + " has a domain that is not a valid"
                    + " internationalised domain name: " + e.getMessage());
        }
    }

    private static String stripBrackets(String address) {
        if (address.length() >= 2 && address.startsWith("<") && address.endsWith(">")) {
            return address.substring(1, address.length() - 1).strip();
        }
        return address;
    }

    private static String quote(String raw) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : raw.toCharArray()) {
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
