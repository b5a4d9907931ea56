package org.postrelay.cleanup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.postrelay.api.MessageRejectedException;

/**
 * The header section of a submitted message, read up to the empty line that ends it. Bytes are kept
 * as they came (ISO-8859-1 round trip) so 8-bit headers pass through unchanged; folded fields stay
 * folded. A line that is not a header field ends the section and becomes the first body line.
 */
final class HeaderSection {

    /** One header field: its name and whole text (folded lines joined by CRLF, no final CRLF). */
    record Field(String name, String text) {
        boolean is(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    private final List<Field> fields;
    private final byte[] firstBodyLine;

    private HeaderSection(List<Field> fields, byte[] firstBodyLine) {
        this.fields = fields;
        this.firstBodyLine = firstBodyLine;
    }

    List<Field> fields() {
        return fields;
    }

    /** A line that began the body without an empty line before it (with its line end), or null. */
    byte[] firstBodyLine() {
        return firstBodyLine;
    }

    boolean has(String name) {
        return fields.stream().anyMatch(f -> f.is(name));
    }

    /**
     * Reads the header section; the stream is left at the first body byte.
     *
     * @param limit {@code header_size_limit}: a larger header section is refused
     */
    static HeaderSection read(InputStream in, long limit) throws IOException, MessageRejectedException {
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        String currentName = null;
        long total = 0;
        while (true) {
            byte[] line = readLine(in, limit - total, limit);
            if (line == null) {
                break;                                   // end of message: headers only
            }
            total += line.length;
            String text = new String(line, StandardCharsets.ISO_8859_1);
            String bare = stripLineEnd(text);
            if (bare.indexOf('\r') >= 0) {
                throw new MessageRejectedException("header line " + preview(bare)
                        + " contains a bare carriage return: refused (header injection)");
            }
            if (bare.isEmpty()) {
                break;                                   // the empty line that ends the headers
            }
            boolean continuation = bare.charAt(0) == ' ' || bare.charAt(0) == '\t';
            if (continuation && current != null) {
                current.append("\r\n").append(bare);
                continue;
            }
            String name = fieldName(bare);
            if (name == null) {
                if (current != null) {
                    fields.add(new Field(currentName, current.toString()));
                }
                return new HeaderSection(fields, line);
            }
            if (current != null) {
                fields.add(new Field(currentName, current.toString()));
            }
            currentName = name;
            current = new StringBuilder(bare);
        }
        if (current != null) {
            fields.add(new Field(currentName, current.toString()));
        }
        return new HeaderSection(fields, null);
    }

    /** The field name if the line starts a header field ("Name:"), else null. */
    private static String fieldName(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        for (int i = 0; i < colon; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c > '~') {
                return null;                             // RFC 5322 ftext: printable, no space
            }
        }
        return line.substring(0, colon);
    }

    private static byte[] readLine(InputStream in, long remaining, long limit) throws IOException, MessageRejectedException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (line.size() > remaining) {
                throw new MessageRejectedException("message header section exceeds header_size_limit ("
                        + limit + " bytes): shorten or remove headers");
            }
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static String stripLineEnd(String line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\n') {
            end--;
        }
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        return line.substring(0, end);
    }

    private static String preview(String line) {
        String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
        return "\"" + shown.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    /**
     * Whether a header, as an application set it, would inject a line of its own: a value with a
     * line break not followed by white space (folding), or a name that is not RFC 5322's
     * printable ASCII without ':' (a name like "X: 1\r\nBcc" is a whole extra header).
     */
    static String injectionIn(String name, String value) {
        boolean nameOk = name != null && !name.isEmpty();
        for (int i = 0; nameOk && i < name.length(); i++) {
            char c = name.charAt(i);
            nameOk = c > 0x20 && c < 0x7f && c != ':';
        }
        if (!nameOk) {
            return "header name " + preview(String.valueOf(name)) + " is not a header field name (printable ASCII"
                    + " without ':' or white space): refused (header injection)";
        }
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                boolean folded = c == '\r' && i + 2 < value.length() && value.charAt(i + 1) == '\n'
                        && (value.charAt(i + 2) == ' ' || value.charAt(i + 2) == '\t');
                if (!folded) {
                    return "header " + name + " contains a line break not followed by white space: "
                            + "refused (header injection): " + preview(value);
                }
                i++;
            }
        }
        return null;
    }
}
