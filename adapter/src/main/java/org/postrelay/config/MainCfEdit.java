package org.postrelay.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Edits of main.cf text as {@code postconf -e}, {@code -#} and {@code -X} make them: every
 * definition of a named parameter is changed, every other line (comments, blank lines, order) is
 * kept as it was.
 */
public final class MainCfEdit {

    private MainCfEdit() {
    }

    /**
     * {@code postconf -e}: each definition of a name becomes {@code name = value} (continuation
     * lines dropped); names not defined yet are appended at the end, in the order given.
     */
    public static String set(MainCf mainCf, Map<String, String> values) {
        Map<String, String> pending = new LinkedHashMap<>(values);
        List<String> out = rewrite(mainCf, values.keySet(), (definition, lines) -> {
            lines.add(definition.name() + " = " + values.get(definition.name()));
            pending.remove(definition.name());
        });
        pending.forEach((name, value) -> out.add(name + " = " + value));
        return join(out);
    }

    /** {@code postconf -#}: each line of each definition of the names gets a leading '#'. */
    public static String commentOut(MainCf mainCf, Collection<String> names) {
        return join(rewrite(mainCf, names, (definition, lines) -> {
            for (int n = definition.firstLine(); n <= definition.lastLine(); n++) {
                lines.add("#" + mainCf.lines().get(n - 1));
            }
        }));
    }

    /** {@code postconf -X}: every definition of the names is removed. */
    public static String remove(MainCf mainCf, Collection<String> names) {
        return join(rewrite(mainCf, names, (definition, lines) -> {
        }));
    }

    private interface Replacement {
        void replace(MainCf.Definition definition, List<String> lines);
    }

    /**
     * Copies the lines, handing each definition of a named parameter to the replacement. Comment
     * and blank lines inside a definition's continuation range stay where they are.
     */
    private static List<String> rewrite(MainCf mainCf, Collection<String> names, Replacement replacement) {
        Set<String> wanted = new HashSet<>(names);
        Map<Integer, MainCf.Definition> byFirstLine = new LinkedHashMap<>();
        for (MainCf.Definition d : mainCf.definitions()) {
            if (wanted.contains(d.name())) {
                byFirstLine.put(d.firstLine(), d);
            }
        }
        List<String> lines = mainCf.lines();
        List<String> out = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            MainCf.Definition d = byFirstLine.get(n);
            if (d == null) {
                out.add(lines.get(n - 1));
                continue;
            }
            replacement.replace(d, out);
            for (int k = n + 1; k <= d.lastLine(); k++) {
                String line = lines.get(k - 1);
                String stripped = line.strip();
                if (stripped.isEmpty() || stripped.startsWith("#")) {
                    out.add(line);                       // not part of the value: keep it
                }
            }
            n = d.lastLine();
        }
        return out;
    }

    private static String join(List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        return text.toString();
    }
}
