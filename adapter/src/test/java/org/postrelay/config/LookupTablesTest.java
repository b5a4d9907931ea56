package org.postrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.table.DictFlags;
import org.postrelay.config.table.DictFlags.Duplicates;
import org.postrelay.config.table.PrdbFile;
import org.postrelay.config.table.TableContents;

/** Opening tables by their main.cf names, with Postfix's lookup rules and diagnostics. */
class LookupTablesTest {

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private DictFlags flags() {
        return new DictFlags(true, Duplicates.FAIL, warnings::add);
    }

    private Path source(String text) throws IOException {
        Path file = dir.resolve("sasl_passwd");
        Files.writeString(file, text);
        return file;
    }

    /** What postmap would write for the file (the tools test checks that it does). */
    private void index(Path source, Map<String, String> foldedEntries) throws IOException {
        PrdbFile.writeAtomically(PrdbFile.indexOf(source), PrdbFile.build(foldedEntries, true), null, null);
    }

    @Test
    void texthashShouldReadTheSourceAndFoldKeys() throws Exception {
        Path file = source("# relay credentials\n[Smtp.Example.com]:587  user:Pass Word\n  continued\n");

        LookupTable table = LookupTables.open("texthash:" + file, flags());

        assertEquals(Optional.of("user:Pass Word  continued"), table.lookup("[smtp.example.COM]:587"));
        assertEquals(Optional.empty(), table.lookup("[smtp.example.com]"));
        assertEquals("texthash:" + file, table.name());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void aDuplicateKeyShouldMakeATexthashTableUnusableInTheRelayAsInPostfixsDaemons() throws Exception {
        Path file = source("a 1\nA 2\n");

        ConfigException e = assertThrows(ConfigException.class, () -> LookupTables.open("texthash:" + file));

        assertEquals(file + ", line 2: duplicate entry: \"a\"", e.getMessage());
    }

    @Test
    void postmapStyleFlagsShouldWarnAndKeepTheFirstDuplicate() throws Exception {
        Path file = source("a 1\nA 2\n");

        LookupTable table = LookupTables.open("texthash:" + file, new DictFlags(true, Duplicates.WARN, warnings::add));

        assertEquals(Optional.of("1"), table.lookup("a"));
        assertEquals(List.of(file + ", line 2: duplicate entry: \"a\""), warnings);
    }

    @Test
    void withoutFoldingKeysShouldMatchExactly() throws Exception {
        Path file = source("Foo bar\n");

        LookupTable table = LookupTables.open("texthash:" + file, new DictFlags(false, Duplicates.FAIL, warnings::add));

        assertEquals(Optional.of("bar"), table.lookup("Foo"));
        assertEquals(Optional.empty(), table.lookup("foo"));
    }

    @Test
    void aMissingTexthashFileShouldBeNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> LookupTables.open("texthash:" + dir.resolve("nothere")));

        assertEquals("open database " + dir.resolve("nothere") + ": No such file or directory", e.getMessage());
    }

    @Test
    void hashBtreeAndLmdbShouldAllReadTheIndexNotTheSource() throws Exception {
        Path file = source("ignored source text\n");
        index(file, Map.of("[smtp.example.com]:587", "user:secret"));

        for (String type : List.of("hash", "btree", "lmdb")) {
            LookupTable table = LookupTables.open(type + ":" + file, flags());
            assertEquals(Optional.of("user:secret"), table.lookup("[SMTP.example.com]:587"), type);
            assertEquals(Optional.empty(), table.lookup("ignored"), type);
            assertEquals(type + ":" + file, table.name());
        }
    }

    @Test
    void aMissingIndexShouldSayWhatPostfixSaysAndHowToBuildIt() throws Exception {
        Path file = source("a b\n");

        ConfigException e = assertThrows(ConfigException.class, () -> LookupTables.open("hash:" + file));

        assertEquals("open database " + file + ".prdb: No such file or directory; run \"postmap hash:" + file
                + "\" to create it", e.getMessage());
    }

    @Test
    void aMissingIndexBesidePostfixsOwnShouldSayWeDoNotReadThatOne() throws Exception {
        Path file = source("a b\n");
        Files.write(dir.resolve("sasl_passwd.db"), new byte[12288]);

        ConfigException e = assertThrows(ConfigException.class, () -> LookupTables.open("hash:" + file));

        assertTrue(e.getMessage().endsWith("(" + file + ".db is Postfix's Berkeley DB file, which Postrelay does not read)"),
                e.getMessage());
    }

    @Test
    void aCorruptIndexShouldBeAClearError() throws Exception {
        Path file = source("a b\n");
        Files.writeString(dir.resolve("sasl_passwd.prdb"), "garbage");

        ConfigException e = assertThrows(ConfigException.class, () -> LookupTables.open("hash:" + file));

        assertEquals("open database " + file + ".prdb: corrupt index: not a Postrelay lookup table index (bad magic"
                + " number); rebuild it with \"postmap hash:" + file + "\"", e.getMessage());
    }

    @Test
    void anIndexOlderThanASettledSourceShouldBeUsedWithPostfixsWarning() throws Exception {
        Path file = source("a new\n");
        index(file, Map.of("a", "old"));
        Instant now = Instant.now();
        Files.setLastModifiedTime(PrdbFile.indexOf(file), FileTime.from(now.minusSeconds(1000)));
        Files.setLastModifiedTime(file, FileTime.from(now.minusSeconds(500)));

        LookupTable table = LookupTables.open("hash:" + file, flags());

        assertEquals(Optional.of("old"), table.lookup("a"));
        assertEquals(List.of("database " + file + ".prdb is older than source file " + file), warnings);
    }

    @Test
    void aSourceEditedWithinTheLast100SecondsShouldNotYetWarnAsInPostfix() throws Exception {
        Path file = source("a new\n");
        index(file, Map.of("a", "old"));
        Instant now = Instant.now();
        Files.setLastModifiedTime(PrdbFile.indexOf(file), FileTime.from(now.minusSeconds(1000)));
        Files.setLastModifiedTime(file, FileTime.from(now.minusSeconds(10)));

        LookupTables.open("hash:" + file, flags());

        assertEquals(List.of(), warnings);
    }

    @Test
    void anIndexWithoutSourceOrNewerThanItShouldOpenQuietly() throws Exception {
        Path file = source("a b\n");
        index(file, Map.of("a", "b"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(5000)));
        LookupTables.open("hash:" + file, flags());
        Files.delete(file);
        LookupTables.open("hash:" + file, flags());

        assertEquals(List.of(), warnings);
    }

    @Test
    void aTableShouldBeASnapshotThatKnowsWhenItsFileChanged() throws Exception {
        Path file = source("a 1\n");
        index(file, Map.of("a", "1"));
        LookupTable hash = LookupTables.open("hash:" + file);
        LookupTable text = LookupTables.open("texthash:" + file);
        assertFalse(hash.changed());
        assertFalse(text.changed());

        index(file, Map.of("a", "2"));
        Files.writeString(file, "a 2 and more\n");

        assertTrue(hash.changed());
        assertTrue(text.changed());
        assertEquals(Optional.of("1"), hash.lookup("a"));
        assertEquals(Optional.of("1"), text.lookup("a"));
        assertEquals(Optional.of("2"), LookupTables.open("hash:" + file).lookup("a"));
    }

    @Test
    void inlineTablesShouldParseAsPostfixDoesAndHideTheirValues() {
        LookupTable table = LookupTables.open(
                "inline:{ foo=bar, { [Smtp.example.com]:587 = user:pass word }, {\"a b\" = c}, foo=last }");

        assertEquals(Optional.of("last"), table.lookup("FOO"));
        assertEquals(Optional.of("user:pass word"), table.lookup("[smtp.example.com]:587"));
        assertEquals(Optional.of("c"), table.lookup("\"a b\""));
        assertEquals(Optional.empty(), table.lookup("a b"));
        assertEquals("inline:{foo=..., [smtp.example.com]:587=..., \"a b\"=...}", table.name());
        assertFalse(table.name().contains("pass"));
    }

    @Test
    void badInlineTablesShouldBeRefusedWithoutEchoingThem() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("inline:{}", "inline: table: bad syntax; need \"inline:{name=value...}\"");
        cases.put("inline:{ }", "inline: table: empty table; need \"inline:{name=value...}\"");
        cases.put("inline:{ a=b", "inline: table: bad syntax; need \"inline:{name=value...}\"");
        cases.put("inline:{ secret }", "inline: table, element 1: missing '=' after attribute name;"
                + " need \"inline:{name=value...}\"");
        cases.put("inline:{ a=b, {x=secret}y }", "inline: table, element 2: syntax error after '}';"
                + " need \"inline:{name=value...}\"");
        cases.put("inline:{ \"a b\"=secret }", "inline: table, element 1: unbalanced '\"';"
                + " need \"inline:{name=value...}\"");
        cases.forEach((name, message) ->
                assertEquals(message, assertThrows(ConfigException.class, () -> LookupTables.open(name)).getMessage(),
                        name));
    }

    @Test
    void staticTablesShouldAnswerEveryKeyAndHideTheirValue() {
        assertEquals(Optional.of("user:pass"), LookupTables.open("static:user:pass").lookup("anything"));
        LookupTable braced = LookupTables.open("static:{ hello world }");
        assertEquals(Optional.of("hello world"), braced.lookup("x"));
        assertEquals("static:{...}", braced.name());
        assertEquals("bad static:name syntax: missing '}'",
                assertThrows(ConfigException.class, () -> LookupTables.open("static:{ x")).getMessage());
    }

    @Test
    void proxyShouldReadTheTableDirectly() throws Exception {
        Path file = source("a b\n");
        index(file, Map.of("a", "b"));

        LookupTable table = LookupTables.open("proxy:hash:" + file);

        assertEquals(Optional.of("b"), table.lookup("A"));
        assertEquals("proxy:hash:" + file, table.name());
    }

    @Test
    void unknownTypesAndNamesWithoutTypeShouldBeRefused() {
        assertEquals("unsupported dictionary type: pcre (Postrelay supports hash, btree, lmdb, texthash, inline,"
                + " static, unix, proxy)", assertThrows(ConfigException.class,
                        () -> LookupTables.open("pcre:/etc/postfix/x")).getMessage());
        assertEquals("open dictionary: expecting \"type:name\" form instead of \"/etc/postfix/x\"",
                assertThrows(ConfigException.class, () -> LookupTables.open("/etc/postfix/x")).getMessage());
        assertThrows(ConfigException.class, () -> LookupTables.open("hash:"));
    }

    @Test
    void openAllShouldKeepTheOrderOfAMapsParameter() throws Exception {
        Path file = source("a from-text\n");
        Config config = Config.of(Map.of("smtp_sasl_password_maps",
                "texthash:" + file + ", inline:{ a=from-inline, b=x }  static:{ last resort }"));

        List<LookupTable> tables = LookupTables.openAll(config.list(Parameters.SMTP_SASL_PASSWORD_MAPS));

        assertEquals(3, tables.size());
        assertEquals(List.of(Optional.of("from-text"), Optional.of("from-inline"), Optional.of("last resort")),
                tables.stream().map(t -> t.lookup("a")).toList());
    }

    @Test
    void listsShouldKeepBracedGroupsWhole() {
        assertEquals(List.of("hash:/a", "inline:{ a=b, c=d }", "static:{x y}", "b"),
                Config.splitList("hash:/a, inline:{ a=b, c=d }\tstatic:{x y},,b "));
        assertEquals(List.of(), Config.splitList(" , "));
    }

    @Test
    void lookupsFromManyThreadsShouldAllSeeTheSameTable() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            entries.put("key" + i, "value" + i);
            text.append("KEY").append(i).append(" value").append(i).append('\n');
        }
        Path file = source(text.toString());
        index(file, entries);
        List<LookupTable> tables = List.of(LookupTables.open("hash:" + file), LookupTables.open("texthash:" + file));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                tasks.add(() -> {
                    int right = 0;
                    for (int round = 0; round < 5; round++) {
                        for (int i = 0; i < 5_000; i++) {
                            int k = (i + offset * 611) % 5_000;
                            for (LookupTable table : tables) {
                                if (table.lookup("Key" + k).equals(Optional.of("value" + k))
                                        && table.lookup("nokey" + k).isEmpty()) {
                                    right++;
                                }
                            }
                        }
                    }
                    return right;
                });
            }
            for (Future<Integer> result : pool.invokeAll(tasks)) {
                assertEquals(5 * 5_000 * 2, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void filesBackedTablesShouldListTheirEntries() throws Exception {
        Path file = source("B 2\na 1\n");

        TableContents table = assertInstanceOf(TableContents.class, LookupTables.open("texthash:" + file));

        assertEquals(List.of(Map.entry("b", "2"), Map.entry("a", "1")), table.entries());
    }
}
