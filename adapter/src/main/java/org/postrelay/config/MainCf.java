package org.postrelay.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A main.cf file in Postfix syntax: its ordered raw {@code name = value} entries (unexpanded), the
 * definitions with their line numbers, the original text, and syntax warnings.
 *
 * <p>The physical lines and each definition's line range are kept so that a later
 * {@code postconf -e} can rewrite one definition in place and leave comments and order alone.
 */
public final class MainCf {

    /**
     * One logical {@code name = value} line as written, continuation lines joined.
     *
     * @param firstLine 1-based number of the line holding the name
     * @param lastLine  1-based number of its last continuation line (== firstLine if none)
     */
    public record Definition(String name, String value, int firstLine, int lastLine) {
    }

    private final String sourceName;
    private final List<String> lines;
    private final List<Definition> definitions;
    private final Map<String, String> entries;
    private final List<String> warnings;

    private MainCf(String sourceName, List<String> lines, List<Definition> definitions, List<String> warnings) {
        this.sourceName = sourceName;
        this.lines = Collections.unmodifiableList(lines);
        this.definitions = Collections.unmodifiableList(definitions);
        this.warnings = Collections.unmodifiableList(warnings);
        Map<String, String> byName = new LinkedHashMap<>();
        for (Definition d : definitions) {
            byName.put(d.name(), d.value());
        }
        this.entries = Collections.unmodifiableMap(byName);
    }

    /** Reads and parses a main.cf file; errors name the file as given. */
    public static MainCf read(Path file) throws IOException {
        // Decoded leniently: a stray non-UTF-8 byte in a comment must not stop the relay.
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return parse(text, file.toString());
    }

    /**
     * Parses main.cf text. {@code sourceName} starts every diagnostic, e.g.
     * {@code "main.cf, line 7: missing '=' after parameter name: \"relayhost\""}.
     *
     * @throws ConfigException on a line that is neither blank, comment, continuation nor
     *                         {@code name = value}
     */
    public static MainCf parse(String text, String sourceName) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sourceName, "sourceName");
        List<String> lines = splitLines(text);
        List<Definition> definitions = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        StringBuilder logical = null;
        int first = 0;
        int last = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int number = i + 1;
            String stripped = line.strip();
            // Blank lines and comments are skipped without ending a logical line, as in Postfix.
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                if (logical == null) {
                    // Postfix warns and ignores this too (readlline(3)).
                    warnings.add(sourceName + ", line " + number
                            + ": logical line must not start with whitespace: \"" + abbreviate(stripped) + "\"");
                } else {
                    logical.append(' ').append(stripped);
                    last = number;
                }
                continue;
            }
            if (logical != null) {
                definitions.add(definition(logical.toString(), first, last, sourceName));
            }
            logical = new StringBuilder(line.stripTrailing());
            first = number;
            last = number;
        }
        if (logical != null) {
            definitions.add(definition(logical.toString(), first, last, sourceName));
        }
        return new MainCf(sourceName, lines, definitions, warnings);
    }

    /** Name of the source in diagnostics: the file path as given, or the name passed to parse. */
    public String sourceName() {
        return sourceName;
    }

    /** The raw values by name, in order of first definition; the last definition wins. */
    public Map<String, String> entries() {
        return entries;
    }

    /** Every definition in file order, including those overridden by a later one. */
    public List<Definition> definitions() {
        return definitions;
    }

    /** The physical lines as read, without line terminators (index = line number - 1). */
    public List<String> lines() {
        return lines;
    }

    /** Syntax warnings (ignored lines), each starting with the source name and line number. */
    public List<String> warnings() {
        return warnings;
    }

    private static Definition definition(String logical, int first, int last, String sourceName) {
        int nameEnd = 0;
        while (nameEnd < logical.length() && logical.charAt(nameEnd) != '='
                && !Character.isWhitespace(logical.charAt(nameEnd))) {
            nameEnd++;
        }
        if (nameEnd == 0) {
            throw new ConfigException(sourceName + ", line " + first + ": missing parameter name before '=': \""
                    + abbreviate(logical) + "\"");
        }
        int equals = nameEnd;
        while (equals < logical.length() && Character.isWhitespace(logical.charAt(equals))) {
            equals++;
        }
        if (equals == logical.length() || logical.charAt(equals) != '=') {
            throw new ConfigException(sourceName + ", line " + first + ": missing '=' after parameter name: \""
                    + abbreviate(logical) + "\"");
        }
        return new Definition(logical.substring(0, nameEnd), logical.substring(equals + 1).strip(), first, last);
    }

    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            String line = text.substring(start, end);
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            start = end + 1;
        }
        return lines;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
