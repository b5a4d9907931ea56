package org.postrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainCfTest {

    @Test
    void nameValueLinesShouldBeReadWithOrWithoutSpacesAroundEquals() {
        MainCf cf = MainCf.parse("a = 1\nb=2\nc\t=\t3  \nd =\n", "main.cf");

        assertEquals(Map.of("a", "1", "b", "2", "c", "3", "d", ""), cf.entries());
    }

    @Test
    void commentsAndBlankLinesShouldBeIgnored() {
        MainCf cf = MainCf.parse("# header\n\n   # indented comment\nrelayhost = [mail]:587\n\t\n", "main.cf");

        assertEquals(Map.of("relayhost", "[mail]:587"), cf.entries());
        assertTrue(cf.warnings().isEmpty());
    }

    @Test
    void hashAfterValueShouldBePartOfTheValue() {
        MainCf cf = MainCf.parse("smtpd_banner = $myhostname # not a comment\n", "main.cf");

        assertEquals("$myhostname # not a comment", cf.entries().get("smtpd_banner"));
    }

    @Test
    void continuationLinesShouldBeJoinedWithOneSpace() {
        MainCf cf = MainCf.parse("mynetworks = 127.0.0.0/8,\n    [::1]/128\n\t10.0.0.0/8\nrelayhost = x\n", "main.cf");

        assertEquals("127.0.0.0/8, [::1]/128 10.0.0.0/8", cf.entries().get("mynetworks"));
        assertEquals("x", cf.entries().get("relayhost"));
        assertEquals(new MainCf.Definition("mynetworks", "127.0.0.0/8, [::1]/128 10.0.0.0/8", 1, 3),
                cf.definitions().get(0));
    }

    @Test
    void commentsInsideAContinuedLineShouldNotEndIt() {
        MainCf cf = MainCf.parse("mydestination = a,\n# b is gone\n\n  c\n", "main.cf");

        assertEquals("a, c", cf.entries().get("mydestination"));
    }

    @Test
    void lastDefinitionShouldWinAndAllDefinitionsShouldBeKept() {
        MainCf cf = MainCf.parse("x = 1\ny = 2\nx = 3\n", "main.cf");

        assertEquals("3", cf.entries().get("x"));
        assertEquals(List.of("x", "y"), List.copyOf(cf.entries().keySet()));
        assertEquals(3, cf.definitions().size());
        assertEquals(3, cf.definitions().get(2).firstLine());
    }

    @Test
    void lineWithoutEqualsShouldFailNamingFileAndLine() {
        String text = "# c\n\na = 1\n\n# c\n\nrelayhost [mail]:587\n";

        ConfigException e = assertThrows(ConfigException.class, () -> MainCf.parse(text, "main.cf"));

        assertTrue(e.getMessage().startsWith("main.cf, line 7: missing '=' after parameter name"), e.getMessage());
        assertTrue(e.getMessage().contains("relayhost [mail]:587"), e.getMessage());
    }

    @Test
    void lineStartingWithEqualsShouldFailNamingTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> MainCf.parse("a = 1\n= 2\n", "main.cf"));

        assertTrue(e.getMessage().startsWith("main.cf, line 2: missing parameter name"), e.getMessage());
    }

    @Test
    void continuationWithoutPrecedingLineShouldBeIgnoredWithAWarning() {
        MainCf cf = MainCf.parse("  orphan = 1\na = 2\n", "main.cf");

        assertEquals(Map.of("a", "2"), cf.entries());
        assertEquals(1, cf.warnings().size());
        assertTrue(cf.warnings().get(0).startsWith("main.cf, line 1: logical line must not start with whitespace"),
                cf.warnings().get(0));
    }

    @Test
    void crlfLineEndingsShouldNotLeakIntoValues() {
        MainCf cf = MainCf.parse("a = 1\r\nb = x,\r\n  y\r\n", "main.cf");

        assertEquals(Map.of("a", "1", "b", "x, y"), cf.entries());
    }

    @Test
    void rawLinesShouldBeKeptForEditing() {
        String text = "# comment\na = 1\n  continued\n";

        MainCf cf = MainCf.parse(text, "main.cf");

        assertEquals(List.of("# comment", "a = 1", "  continued"), cf.lines());
        assertEquals(new MainCf.Definition("a", "1 continued", 2, 3), cf.definitions().get(0));
    }

    @Test
    void readShouldNameTheFileInErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("main.cf");
        Files.writeString(file, "a = 1\nbroken\n", StandardCharsets.UTF_8);

        ConfigException e = assertThrows(ConfigException.class, () -> MainCf.read(file));

        assertTrue(e.getMessage().startsWith(file + ", line 2: missing '='"), e.getMessage());
    }
}
