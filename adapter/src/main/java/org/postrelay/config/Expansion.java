package org.postrelay.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Postfix's $name expansion (mac_expand(3) without relational operators): {@code $name},
 * {@code ${name}}, {@code $(name)}, {@code ${name?text}}, {@code ${name:text}},
 * {@code ${name?{text1}:{text2}}}, and {@code $$} for a literal dollar. Expansion is recursive; a
 * parameter that reaches itself is reported as a loop instead of overflowing the stack.
 */
final class Expansion {

    /** Postfix's own limit on nested expansion (mac_expand's recursion guard). */
    static final int MAX_DEPTH = 100;
    /**
     * Longest expanded value: a few parameters that each name the next one twice would otherwise
     * double the text at every level (2^100 characters), hanging the start instead of failing it.
     */
    static final int MAX_LENGTH = 100_000;

    private final Function<String, String> lookup;
    /** Names being expanded, outermost first: the loop guard and the loop's description. */
    private final List<String> active = new ArrayList<>();
    /** When non-null: collect referenced names instead of expanding (references()). */
    private final Set<String> scanned;
    /**
     * Parameters expanded so far by this instance (the lookup does not change during its life):
     * Config expands a few hundred parameters whose defaults refer to the same few.
     */
    private final java.util.Map<String, String> expanded = new java.util.HashMap<>();
    /** Depth of nested expand() calls: ${a?{${b?{...}}}} and parameter references alike. */
    private int nesting;

    /**
     * @param lookup a parameter's raw (unexpanded) value, or null when the parameter is undefined
     */
    Expansion(Function<String, String> lookup) {
        this(lookup, null);
    }

    private Expansion(Function<String, String> lookup, Set<String> scanned) {
        this.lookup = lookup;
        this.scanned = scanned;
    }

    /** The names a text refers to, conditional branches included, without expanding them; never throws. */
    static Set<String> references(String text) {
        Set<String> names = new LinkedHashSet<>();
        try {
            new Expansion(name -> null, names).expand(text);
        } catch (ConfigException e) {
            // malformed text: the names before the error still count; expansion reports the error
        }
        return names;
    }

    /** The fully expanded value of a parameter; "" when it is undefined, as in Postfix. */
    String expandParameter(String name) {
        String done = expanded.get(name);
        if (done != null) {
            return done;
        }
        String raw = lookup.apply(name);
        String value = raw == null ? "" : expandAs(name, raw);
        expanded.put(name, value);
        return value;
    }

    /** Expands {@code raw} as the value of parameter {@code name} (which guards against loops). */
    String expandAs(String name, String raw) {
        int seen = active.indexOf(name);
        if (seen >= 0) {
            List<String> loop = new ArrayList<>(active.subList(seen, active.size()));
            loop.add(name);
            throw new Failure(name, "recursive expansion loop: $" + String.join(" -> $", loop), loop);
        }
        if (active.size() >= MAX_DEPTH) {
            throw new ConfigException("unreasonable expansion nesting (more than " + MAX_DEPTH
                    + " levels) at $" + name);
        }
        active.add(name);
        try {
            return expand(raw);
        } catch (Failure e) {
            throw e;
        } catch (ConfigException e) {
            throw new Failure(name, e.getMessage(), List.of());
        } finally {
            active.remove(active.size() - 1);
        }
    }

    /**
     * An expansion error and the parameter whose own value holds the bad text: when $a refers to
     * $b and b's value is broken, the admin must be sent to b, not to a.
     */
    static final class Failure extends ConfigException {
        private static final long serialVersionUID = 1L;
        final String parameter;
        /** The parameters of a reference loop (any of them may be the one to fix), else empty. */
        final List<String> loop;

        Failure(String parameter, String message, List<String> loop) {
            super(message);
            this.parameter = parameter;
            this.loop = List.copyOf(loop);
        }
    }

    /** Expands every reference in a text. */
    String expand(String text) {
        if (nesting >= MAX_DEPTH) {
            throw new ConfigException("unreasonable macro nesting (more than " + MAX_DEPTH + " levels of ${...})");
        }
        nesting++;
        try {
            return expandText(text);
        } finally {
            nesting--;
        }
    }

    private String expandText(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
            } else if (i + 1 < n && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (i + 1 < n && (text.charAt(i + 1) == '{' || text.charAt(i + 1) == '(')) {
                char open = text.charAt(i + 1);
                int close = matching(text, i + 1, open, open == '{' ? '}' : ')');
                if (close < 0) {
                    throw new ConfigException("truncated macro reference in \"" + text + "\"");
                }
                out.append(inner(text.substring(i + 2, close), text));
                i = close + 1;
            } else {
                int end = nameEnd(text, i + 1);
                if (end == i + 1) {
                    throw new ConfigException("empty macro name in \"" + text
                            + "\" (write $$ for a literal $)");
                }
                out.append(reference(text.substring(i + 1, end)));
                i = end;
            }
            if (out.length() > MAX_LENGTH) {
                throw new ConfigException("unreasonable expansion: longer than " + MAX_LENGTH
                        + " characters (do parameters refer to each other many times over?)");
            }
        }
        return out.toString();
    }

    /** The contents of ${...}: a name, optionally followed by ?text, :text or ?{text1}:{text2}. */
    private String inner(String body, String whole) {
        int end = nameEnd(body, 0);
        if (end == 0) {
            throw new ConfigException(body.trim().startsWith("{")
                    ? "relational expressions are not supported: \"" + whole + "\""
                    : "empty macro name in \"" + whole + "\"");
        }
        String name = body.substring(0, end);
        if (end == body.length()) {
            return reference(name);
        }
        char op = body.charAt(end);
        if (op != '?' && op != ':') {
            throw new ConfigException("unexpected '" + op + "' after parameter name " + name + " in \""
                    + whole + "\" (expected }, ? or :)");
        }
        String[] branches = branches(body.substring(end + 1), op, whole);
        if (scanned != null) {
            scanned.add(name);
            expand(branches[0]);
            if (branches[1] != null) {
                expand(branches[1]);
            }
            return "";
        }
        String raw = lookup.apply(name);
        boolean nonEmpty = raw != null && !raw.isEmpty();
        if (op == '?') {
            return nonEmpty ? expand(branches[0]) : branches[1] == null ? "" : expand(branches[1]);
        }
        return nonEmpty ? "" : expand(branches[0]);
    }

    /** Splits "text", "{text}", "{text1}:{text2}" or "{text1}:text2" into [text1, text2 or null]. */
    private static String[] branches(String text, char op, String whole) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            return new String[] {text, null};
        }
        int close = matching(trimmed, 0, '{', '}');
        if (close < 0) {
            throw new ConfigException("missing '}' in \"" + whole + "\"");
        }
        String first = trimmed.substring(1, close);
        String rest = trimmed.substring(close + 1).strip();
        if (rest.isEmpty()) {
            return new String[] {first, null};
        }
        if (op != '?' || rest.charAt(0) != ':') {
            throw new ConfigException("unexpected text after {" + first + "} in \"" + whole + "\"");
        }
        String second = rest.substring(1).strip();
        if (second.startsWith("{")) {
            int end = matching(second, 0, '{', '}');
            if (end != second.length() - 1) {
                throw new ConfigException("unexpected text after the second {...} in \"" + whole + "\"");
            }
            second = second.substring(1, end);
        }
        return new String[] {first, second};
    }

    private String reference(String name) {
        if (scanned != null) {
            scanned.add(name);
            return "";
        }
        return expandParameter(name);
    }

    /** Index of the bracket closing the one at {@code start}, counting nested pairs; -1 if none. */
    private static int matching(String text, int start, char open, char close) {
        int depth = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** End of the parameter name starting at {@code start}: [A-Za-z0-9_]*, as in Postfix. */
    private static int nameEnd(String text, int start) {
        int i = start;
        while (i < text.length() && isNameChar(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
