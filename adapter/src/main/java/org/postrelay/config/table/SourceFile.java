package org.postrelay.config.table;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Parses a lookup table source file as Postfix's postmap and texthash: do (readllines(3) and the
 * parser in postmap.c): "key whitespace value" records; a line starting with whitespace continues
 * the logical line (joined as is, newline removed); blank lines and lines whose first non-blank is
 * '#' are skipped without ending a logical line; the key ends at the first whitespace outside
 * double quotes (a backslash protects the next character; quotes and backslashes stay in the key);
 * the value is trimmed. Bad records are warned about and skipped. Keys are returned as written:
 * folding is the table's business.
 *
 * <p>Unlike Postfix, warnings never quote the offending line: in a password table it would be a
 * password in the log.
 */
public final class SourceFile {

    private SourceFile() {
    }

    /**
     * The records of a source file, in file order, duplicates included.
     *
     * @param content   the file's bytes (UTF-8; a logical line that is not valid UTF-8 is skipped,
     *                  as Postfix does with smtputf8_enable = yes)
     * @param path      the file name as given, starting every warning
     * @param texthash  word the missing-value warning as texthash: does (it adds "-- ignoring this
     *                  line"; postmap does not)
     * @param warnings  receives each warning
     */
    public static List<TableEntry> parse(byte[] content, String path, boolean texthash, Consumer<String> warnings) {
        List<TableEntry> entries = new ArrayList<>();
        int[] pos = {0};
        int[] lineno = {0};
        while (true) {
            ByteArrayOutputStream logical = new ByteArrayOutputStream();
            int first = readLogicalLine(content, pos, lineno, logical);
            if (logical.size() == 0) {
                return entries;
            }
            byte[] bytes = logical.toByteArray();
            if (isSpace(bytes[0])) {
                // Postfix warns and ignores this (readllines), so postmap never leaves a truncated table.
                warnings.accept(path + ", line " + first + ": logical line must not start with whitespace"
                        + " -- ignoring this line");
                continue;
            }
            String line = decode(bytes);
            if (line == null) {
                warnings.accept(path + ", line " + first + ": non-UTF-8 input -- ignoring this line");
                continue;
            }
            TableEntry entry = record(line, path, first, texthash, warnings);
            if (entry != null) {
                entries.add(entry);
            }
        }
    }

    /** Reads one logical line into {@code out}; returns the number of its first line. */
    private static int readLogicalLine(byte[] b, int[] pos, int[] lineno, ByteArrayOutputStream out) {
        int first = 0;
        while (pos[0] < b.length) {
            int start = pos[0];
            int end = start;
            while (end < b.length && b[end] != '\n') {
                end++;
            }
            boolean newline = end < b.length;
            pos[0] = newline ? end + 1 : end;
            lineno[0]++;
            int text = start;
            while (text < end && isSpace(b[text])) {
                text++;
            }
            if (text < end && b[text] != '#') {
                if (out.size() == 0) {
                    first = lineno[0];
                }
                out.write(b, start, end - start);
            }
            if (!newline || pos[0] >= b.length) {
                break;
            }
            byte next = b[pos[0]];
            if (out.size() > 0 && next != '#' && !isSpace(next)) {
                break;
            }
        }
        return first;
    }

    private static TableEntry record(String line, String path, int lineno, boolean texthash,
            Consumer<String> warnings) {
        boolean inQuotes = false;
        int keyEnd = 0;
        for (; keyEnd < line.length(); keyEnd++) {
            char c = line.charAt(keyEnd);
            if (c == '\\') {
                if (++keyEnd == line.length()) {
                    break;
                }
            } else if (isSpace(c)) {
                if (!inQuotes) {
                    break;
                }
            } else if (c == '"') {
                inQuotes = !inQuotes;
            }
        }
        if (inQuotes) {
            warnings.accept(path + ", line " + lineno + ": unbalanced '\"' -- ignoring this line");
            return null;
        }
        String key = line.substring(0, Math.min(keyEnd, line.length()));
        String value = trim(line.substring(Math.min(keyEnd, line.length())));
        if (key.isEmpty() || value.isEmpty()) {
            warnings.accept(path + ", line " + lineno + ": expected format: key whitespace value"
                    + (texthash ? " -- ignoring this line" : ""));
            return null;
        }
        if (key.endsWith(":")) {
            warnings.accept(path + ", line " + lineno
                    + ": record is in \"key: value\" format; is this an alias file?");
        }
        return new TableEntry(key, value, lineno);
    }

    /** Strips Postfix's ISSPACE characters (not Unicode spaces) from both ends. */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Postfix's ISSPACE: ASCII space, tab, newline, vertical tab, form feed, carriage return. */
    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
