package org.postrelay.config.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Postfix folds keys with Unicode full case folding when smtputf8_enable = yes (checked against postmap 3.7). */
class CaseFoldTest {

    @Test
    void asciiShouldBeLowerCased() {
        assertEquals("[smtp.example.com]:587", CaseFold.fold("[Smtp.EXAMPLE.com]:587"));
    }

    @Test
    void unicodeShouldBeFoldedNotJustLowerCased() {
        assertEquals("äöü", CaseFold.fold("ÄÖÜ"));
        assertEquals("strasse", CaseFold.fold("Straße"));
        assertEquals("strasse", CaseFold.fold("STRASSE"));
        // Java's toLowerCase would give a final sigma here; case folding does not.
        assertEquals("σοφόσ", CaseFold.fold("ΣΟΦΌΣ"));
        assertEquals("σοφόσ", CaseFold.fold("σοφός"));
    }
}
