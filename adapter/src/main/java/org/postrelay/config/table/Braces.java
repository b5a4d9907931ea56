package org.postrelay.config.table;

/** Postfix's balpar(3): the extent of a {...} group, for inline: and static:. */
final class Braces {

    private Braces() {
    }

    /** Length of the balanced {...} group that starts the text, or 0 when it starts none. */
    static int balanced(String text) {
        if (text.isEmpty() || text.charAt(0) != '{') {
            return 0;
        }
        int level = 1;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '}' && --level == 0) {
                return i + 1;
            } else if (c == '{') {
                level++;
            }
        }
        return 0;
    }
}
