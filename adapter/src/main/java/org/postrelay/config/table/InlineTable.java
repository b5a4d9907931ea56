package org.postrelay.config.table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;

/**
 * An {@code inline:{ key=value, { key = text with spaces } }} table written in main.cf itself
 * (Postfix's dict_inline): elements separated by commas or whitespace, an element in braces may
 * hold both, a key may be double-quoted; a later element replaces an earlier one with the same key.
 *
 * <p>Its {@link #name()} and error messages leave the values out: inline tables often hold
 * passwords (smtp_sasl_password_maps).
 */
public final class InlineTable implements TableContents {

    private static final String NEED = "; need \"inline:{name=value...}\"";

    private final String name;
    private final Map<String, String> entries;
    private final DictFlags flags;

    private InlineTable(Map<String, String> entries, DictFlags flags) {
        this.entries = entries;
        this.flags = flags;
        this.name = "inline:{" + String.join(", ", entries.keySet().stream().map(k -> k + "=...").toList()) + "}";
    }

    /**
     * Parses the part after {@code inline:}.
     *
     * @throws ConfigException on bad syntax or an empty table
     */
    public static InlineTable open(String text, DictFlags flags) {
        if (Braces.balanced(text) != text.length() || text.length() <= 2) {
            throw new ConfigException("inline: table: bad syntax" + NEED);
        }
        Map<String, String> entries = new LinkedHashMap<>();
        int element = 0;
        for (String token : Config.splitList(text.substring(1, text.length() - 1))) {
            element++;
            String nameValue = token;
            if (token.charAt(0) == '{') {
                int end = Braces.balanced(token);
                if (end != token.length()) {
                    throw new ConfigException("inline: table, element " + element + ": "
                            + (end == 0 ? "missing '}'" : "syntax error after '}'") + NEED);
                }
                nameValue = SourceFile.trim(token.substring(1, token.length() - 1));
            }
            String[] kv = splitNameValue(nameValue);
            if (kv.length == 1) {
                throw new ConfigException("inline: table, element " + element + ": " + kv[0] + NEED);
            }
            entries.put(flags.key(kv[0]), kv[1]); // no duplicate check, as Postfix: the last one wins
        }
        if (entries.isEmpty()) {
            throw new ConfigException("inline: table: empty table" + NEED);
        }
        return new InlineTable(Collections.unmodifiableMap(entries), flags);
    }

    /** Postfix's split_qnameval: {key, value}, or {error}. */
    private static String[] splitNameValue(String text) {
        int key = 0;
        while (key < text.length() && SourceFile.isSpace(text.charAt(key))) {
            key++;
        }
        if (key == text.length()) {
            return new String[] {"no key found; expected format: key = value"};
        }
        boolean inQuotes = false;
        int end = key;
        for (; end < text.length(); end++) {
            char c = text.charAt(end);
            if (c == '\\') {
                if (++end == text.length()) {
                    break;
                }
            } else if (SourceFile.isSpace(c) || c == '=') {
                if (!inQuotes) {
                    break;
                }
            } else if (c == '"') {
                inQuotes = !inQuotes;
            }
        }
        if (inQuotes) {
            return new String[] {"unbalanced '\"'"};
        }
        end = Math.min(end, text.length());
        int equals = end;
        while (equals < text.length() && SourceFile.isSpace(text.charAt(equals))) {
            equals++;
        }
        if (equals == text.length() || text.charAt(equals) != '=') {
            return new String[] {"missing '=' after attribute name"};
        }
        return new String[] {text.substring(key, end), SourceFile.trim(text.substring(equals + 1))};
    }

    @Override
    public Optional<String> lookup(String key) {
        return Optional.ofNullable(entries.get(flags.key(Objects.requireNonNull(key, "key"))));
    }

    /** {@code inline:{key=..., ...}}: the keys, never the values. */
    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return new ArrayList<>(entries.entrySet());
    }

    @Override
    public String toString() {
        return name;
    }
}
