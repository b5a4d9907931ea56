package org.postrelay.queue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message's defer log (Postfix's defer/ file): the last reason per deferred recipient, one line
 * "address TAB reason" with backslash escapes. Informational (mailq shows it), so it is replaced by
 * rename but not forced.
 */
final class DeferLog {

    private DeferLog() {
    }

    /** Merges the reasons into the log: a recipient's newer reason replaces its older one. */
    static void write(Path log, Map<String, String> reasons, FileAttribute<?>[] fileAttributes) throws IOException {
        Map<String, String> merged = read(log);
        merged.putAll(reasons);
        Path temporary = log.resolveSibling(log.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, fileAttributes);
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8, StandardOpenOption.WRITE)) {
            for (Map.Entry<String, String> e : merged.entrySet()) {
                out.write(escape(e.getKey()));
                out.write('\t');
                out.write(escape(e.getValue() == null ? "" : e.getValue()));
                out.write('\n');
            }
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, log, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The reasons by address, in the order first written; empty when there is no log. */
    static Map<String, String> read(Path log) throws IOException {
        Map<String, String> reasons = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    reasons.put(unescape(line.substring(0, tab)), unescape(line.substring(tab + 1)));
                }
            }
        } catch (NoSuchFileException none) {
            // no deferral yet
        }
        return reasons;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
