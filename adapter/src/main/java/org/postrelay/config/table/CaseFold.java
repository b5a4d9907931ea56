package org.postrelay.config.table;

import java.util.Locale;

/**
 * Folds lookup keys to lower case as Postfix does with smtputf8_enable = yes (its casefold(3),
 * Unicode full case folding): "Straße" and "STRASSE" both become "strasse", "ΣΟΦΌΣ" "σοφόσ".
 */
public final class CaseFold {

    private CaseFold() {
    }

    /** The folded key; ASCII-only keys (the common case) take the fast path. */
    public static String fold(String key) {
        boolean ascii = true;
        for (int i = 0; i < key.length() && ascii; i++) {
            ascii = key.charAt(i) < 0x80;
        }
        if (ascii) {
            return key.toLowerCase(Locale.ROOT);
        }
        // Code point by code point, upper then lower: this yields full case folding (ß -> ss) without
        // Java's context rules, which would turn a word-final Σ into ς where folding gives σ.
        StringBuilder folded = new StringBuilder(key.length());
        key.codePoints().forEach(cp -> folded.append(
                new String(Character.toChars(cp)).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT)));
        return folded.toString();
    }
}
