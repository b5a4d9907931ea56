package org.postrelay.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POSIX getopt as Postfix's commands use it: single-letter flags that may be grouped ("-nh"),
 * options with an argument given attached ("-c/etc/postrelay") or as the next word, "--" ending
 * the options, and the first non-option word ending them too.
 */
final class Getopt {

    /** A usage error; the message is getopt's ("invalid option -- 'z'"). */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** One option as given: its letter and its argument (null for a flag). */
    record Option(char letter, String value) {
    }

    private final Map<Character, List<String>> options = new LinkedHashMap<>();
    private final List<Option> ordered = new ArrayList<>();
    private final List<String> operands = new ArrayList<>();

    /**
     * @param spec getopt's option string: letters, each followed by ':' when it takes an argument
     */
    Getopt(String spec, List<String> args) throws UsageException {
        int i = 0;
        while (i < args.size()) {
            String word = args.get(i);
            if (word.equals("--")) {
                i++;
                break;
            }
            if (!word.startsWith("-") || word.equals("-")) {
                break;
            }
            for (int k = 1; k < word.length(); k++) {
                char letter = word.charAt(k);
                int at = spec.indexOf(letter);
                if (at < 0 || letter == ':') {
                    throw new UsageException("invalid option -- '" + letter + "'");
                }
                boolean takesArgument = at + 1 < spec.length() && spec.charAt(at + 1) == ':';
                if (!takesArgument) {
                    options.computeIfAbsent(letter, c -> new ArrayList<>()).add("");
                    ordered.add(new Option(letter, null));
                    continue;
                }
                String value;
                if (k + 1 < word.length()) {
                    value = word.substring(k + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("option requires an argument -- '" + letter + "'");
                }
                options.computeIfAbsent(letter, c -> new ArrayList<>()).add(value);
                ordered.add(new Option(letter, value));
                break;
            }
            i++;
        }
        operands.addAll(args.subList(i, args.size()));
    }

    boolean has(char letter) {
        return options.containsKey(letter);
    }

    /** The last value given for an option with an argument, or null. */
    String value(char letter) {
        List<String> values = options.get(letter);
        return values == null ? null : values.get(values.size() - 1);
    }

    /** Every value given for an option, in order ("-o a -o b"). */
    List<String> values(char letter) {
        return options.getOrDefault(letter, List.of());
    }

    /** Every option in the order given, for commands whose options depend on each other. */
    List<Option> ordered() {
        return ordered;
    }

    List<String> operands() {
        return operands;
    }
}
