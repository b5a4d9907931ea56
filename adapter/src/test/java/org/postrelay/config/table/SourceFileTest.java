package org.postrelay.config.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The source syntax of postmap(1) and texthash:, as Postfix 3.7's readllines and postmap parse it. */
class SourceFileTest {

    private final List<String> warnings = new ArrayList<>();

    private List<TableEntry> parse(String text) {
        return SourceFile.parse(text.getBytes(StandardCharsets.UTF_8), "t", false, warnings::add);
    }

    @Test
    void keyAndValueShouldSplitAtTheFirstWhitespaceAndTheValueBeTrimmed() {
        assertEquals(List.of(new TableEntry("key", "tab\tvalue", 1), new TableEntry("x", "y  # not a comment", 2)),
                parse("key\ttab\tvalue  \nx   y  # not a comment\n"));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void continuationLinesShouldBeJoinedAsIsWithTheNewlineRemoved() {
        List<TableEntry> entries = parse("[smtp.example.com]:587   user:Pass Word  \n  continued here\na b\n c\n");

        assertEquals(List.of(new TableEntry("[smtp.example.com]:587", "user:Pass Word    continued here", 1),
                new TableEntry("a", "b c", 3)), entries);
    }

    @Test
    void commentsAndBlankLinesShouldNotEndALogicalLine() {
        List<TableEntry> entries = parse("# head\nd e\n  # indented comment\n# comment at column 0\n\n  \t\n  more\n");

        assertEquals(List.of(new TableEntry("d", "e  more", 2)), entries);
    }

    @Test
    void aKeyAloneMayTakeItsValueFromTheNextLine() {
        assertEquals(List.of(new TableEntry("keyonly", "leading", 1)), parse("keyonly\n leading\n"));
    }

    @Test
    void carriageReturnsAndAMissingFinalNewlineShouldBeHarmless() {
        assertEquals(List.of(new TableEntry("f", "g", 1), new TableEntry("h", "i", 2)), parse("f g\r\nh i"));
    }

    @Test
    void quotedKeysMayHoldWhitespaceAndKeepTheirQuotes() {
        assertEquals(List.of(new TableEntry("\"Quoted Key\"", "d", 1), new TableEntry("back\\ slash", "e", 2)),
                parse("\"Quoted Key\" d\nback\\ slash e\n"));
    }

    @Test
    void badRecordsShouldBeSkippedWithPostfixsWarningsAndNoSecrets() {
        byte[] text = "lonely\nunbal\"anced s3cret\nBad\u00ff g\nkey: v\ngood value\n"
                .getBytes(StandardCharsets.ISO_8859_1);

        List<TableEntry> entries = SourceFile.parse(text, "t", false, warnings::add);

        assertEquals(List.of(new TableEntry("key:", "v", 4), new TableEntry("good", "value", 5)), entries);
        assertEquals(List.of("t, line 1: expected format: key whitespace value",
                "t, line 2: unbalanced '\"' -- ignoring this line",
                "t, line 3: non-UTF-8 input -- ignoring this line",
                "t, line 4: record is in \"key: value\" format; is this an alias file?"), warnings);
        assertTrue(warnings.stream().noneMatch(w -> w.contains("s3cret")), warnings.toString());
    }

    @Test
    void aContinuationWithNothingToContinueShouldBeIgnored() {
        assertEquals(List.of(new TableEntry("a", "b", 3)), parse("  orphan value\n\tmore\na b\n"));
        assertEquals(List.of("t, line 1: logical line must not start with whitespace -- ignoring this line"),
                warnings);
    }

    @Test
    void texthashShouldSayItIgnoresALineWithoutValue() {
        SourceFile.parse("lonely\n".getBytes(StandardCharsets.UTF_8), "t", true, warnings::add);

        assertEquals(List.of("t, line 1: expected format: key whitespace value -- ignoring this line"), warnings);
    }

    @Test
    void anEmptyFileShouldHoldNothing() {
        assertEquals(List.of(), parse(""));
        assertEquals(List.of(), parse("\n\n# only comments\n"));
    }
}
