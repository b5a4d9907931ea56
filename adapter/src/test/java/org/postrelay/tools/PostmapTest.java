package org.postrelay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.LookupTables;

/** Postrelay's postmap: options, output, messages and exit status shaped as Postfix's. */
class PostmapTest {

    @TempDir
    Path dir;

    /** The outcome of one run. */
    record Result(int status, String out, String err) {

        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        Set<String> outLines() {
            return out.isEmpty() ? Set.of() : new TreeSet<>(List.of(out.split("\n")));
        }
    }

    Result postmapWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("-c", dir.toString()));
        all.addAll(List.of(args));
        int status = new Postmap(Map.of()).run(all,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result postmap(String... args) {
        return postmapWithInput("", args);
    }

    private Path source(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void buildingShouldWriteTheIndexBesideTheSourceAndQueriesShouldReadIt() throws Exception {
        Path file = source("sasl_passwd", "# credentials\n[Smtp.Example.com]:587  user:Pass Word\nfoo bar\n");

        Result build = postmap(file.toString());

        assertEquals(new Result(0, "", ""), build);
        assertTrue(Files.exists(dir.resolve("sasl_passwd.prdb")));
        assertFalse(Files.exists(dir.resolve("sasl_passwd.db")), "Postfix's file is not ours to write");
        assertEquals(new Result(0, "user:Pass Word\n", ""), postmap("-q", "[SMTP.example.com]:587", "hash:" + file));
        assertEquals(new Result(0, "bar\n", ""), postmap("-q", "FOO", file.toString()));
        assertEquals(new Result(1, "", ""), postmap("-q", "nothere", file.toString()));
        assertEquals(Optional.of("bar"), LookupTables.open("hash:" + file).lookup("foo"));
    }

    @Test
    void listingShouldPrintEveryRecordWithATab() throws Exception {
        Path file = source("t", "B 2\na 1\n  more\n");
        postmap("btree:" + file);

        Result list = postmap("-s", "lmdb:" + file);

        assertEquals(new Result(0, "b\t2\na\t1  more\n", ""), list);
    }

    @Test
    void duplicatesShouldWarnAndKeepTheFirstUnlessTold() throws Exception {
        Path file = source("t", "dup first\nDUP second\n");

        Result build = postmap(file.toString());

        assertEquals(List.of("postmap: warning: " + file + ".prdb: duplicate entry: \"dup\""), build.errLines());
        assertEquals("first\n", postmap("-q", "dup", file.toString()).out());
        assertEquals(new Result(0, "", ""), postmap("-w", file.toString()));
        assertEquals("first\n", postmap("-q", "dup", file.toString()).out());
        assertEquals(new Result(0, "", ""), postmap("-r", file.toString()));
        assertEquals("second\n", postmap("-q", "dup", file.toString()).out());
    }

    @Test
    void minusFShouldTurnCaseFoldingOffForBuildingAndQuerying() throws Exception {
        Path file = source("t", "Foo bar\n");
        postmap("-f", file.toString());

        assertEquals(new Result(0, "bar\n", ""), postmap("-f", "-q", "Foo", file.toString()));
        assertEquals(1, postmap("-f", "-q", "foo", file.toString()).status());
        // As in Postfix: a folded query never finds a key built unfolded with capitals.
        assertEquals(1, postmap("-q", "Foo", file.toString()).status());
        assertEquals("Foo\tbar\n", postmap("-s", file.toString()).out());
    }

    @Test
    void queriesFromStdinShouldPrintKeyTabValueForEachKeyFound() throws Exception {
        Path file = source("t", "a b c\nd e\n");
        Path other = source("u", "z from-other\n");
        postmap(file.toString());

        Result found = postmapWithInput("A\nzz\nd\nz\n", "-q", "-", file.toString(), "texthash:" + other);
        Result none = postmapWithInput("zz\nyy\n", "-q", "-", file.toString());

        assertEquals(new Result(0, "A\tb c\nd\te\nz\tfrom-other\n", ""), found);
        assertEquals(new Result(1, "", ""), none);
    }

    @Test
    void aQueryShouldSearchTheTablesInOrderAndStopAtTheFirstHit() throws Exception {
        Path first = source("first", "k one\n");
        postmap(first.toString());

        assertEquals(new Result(0, "one\n", ""), postmap("-q", "k", first.toString(), "hash:" + dir.resolve("missing")));
        assertEquals(new Result(0, "two\n", ""), postmap("-q", "x", first.toString(), "inline:{x=two}"));
    }

    @Test
    void otherTableTypesShouldBeQueryable() throws Exception {
        Path file = source("t", "Key value\n");

        assertEquals(new Result(0, "value\n", ""), postmap("-q", "KEY", "texthash:" + file));
        assertEquals(new Result(0, "text with spaces\n", ""),
                postmap("-q", "KEY2", "inline:{ foo=bar, { Key2 = text with spaces } }"));
        assertEquals(new Result(0, "hello world\n", ""), postmap("-q", "x", "static:{ hello world }"));
        assertEquals(new Result(1, "", "postmap: fatal: table static:{...}: sequence operation is not supported\n"),
                postmap("-s", "static:x"));
    }

    @Test
    void missingStaleAndCorruptIndexesShouldBeReportedAsPostfixDoes() throws Exception {
        Path file = source("t", "a b\n");

        Result missing = postmap("-q", "a", file.toString());
        assertEquals(new Result(1, "", "postmap: fatal: open database " + file + ".prdb: No such file or directory;"
                + " run \"postmap hash:" + file + "\" to create it\n"), missing);

        Files.writeString(dir.resolve("t.prdb"), "junk");
        Result corrupt = postmap("-q", "a", file.toString());
        assertEquals(1, corrupt.status());
        assertTrue(corrupt.err().startsWith("postmap: fatal: open database " + file + ".prdb: corrupt index: "),
                corrupt.err());

        postmap(file.toString());
        Files.setLastModifiedTime(dir.resolve("t.prdb"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 1_000_000));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 500_000));
        assertEquals(new Result(0, "b\n", "postmap: warning: database " + file + ".prdb is older than source file "
                + file + "\n"), postmap("-q", "a", file.toString()));
    }

    @Test
    void aMissingSourceShouldBeFatal() {
        assertEquals(new Result(1, "", "postmap: fatal: open " + dir.resolve("nothere") + ": No such file or directory\n"),
                postmap(dir.resolve("nothere").toString()));
    }

    @Test
    void theIndexShouldKeepTheSourcesGroupAndOtherReadPermissions() throws Exception {
        Path secret = source("sasl_passwd", "[relay]:587 user:pass\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path shared = source("shared", "a b\n");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r-----"));

        postmap(secret.toString());
        postmap(shared.toString());
        postmap("-p", "hash:" + dir.resolve("shared"));

        assertEquals("rw-------", permissions("sasl_passwd.prdb"));
        assertEquals("rw-r--r--", permissions("shared.prdb"));
        postmap(shared.toString());
        assertEquals("rw-r-----", permissions("shared.prdb"));
    }

    private String permissions(String name) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name)));
    }

    @Test
    void incrementalUpdatesShouldAddFromStdinWithTheDuplicateRules() throws Exception {
        Path file = source("t", "dup first\nfoo bar\n");
        postmap(file.toString());

        Result add = postmapWithInput("dup third\nnew one\n", "-i", file.toString());
        assertEquals(List.of("postmap: warning: " + file + ".prdb: duplicate entry: \"dup\""), add.errLines());
        assertEquals(Set.of("dup\tfirst", "foo\tbar", "new\tone"), postmap("-s", file.toString()).outLines());

        postmapWithInput("dup fourth\n", "-i", "-r", file.toString());
        assertEquals("fourth\n", postmap("-q", "dup", file.toString()).out());

        Path fresh = dir.resolve("fresh");
        assertEquals(new Result(0, "", ""), postmapWithInput("a b\n", "-i", fresh.toString()));
        assertEquals("b\n", postmap("-q", "a", fresh.toString()).out());
    }

    @Test
    void deletesShouldRemoveOneKeyPerTableAndSayWhetherAnyWasFound() throws Exception {
        Path file = source("t", "a 1\nb 2\nc 3\n");
        postmap(file.toString());

        assertEquals(new Result(0, "", ""), postmap("-d", "A", file.toString()));
        assertEquals(new Result(1, "", ""), postmap("-d", "a", file.toString()));
        assertEquals(new Result(0, "", ""), postmapWithInput("b\nzz\n", "-d", "-", file.toString()));
        assertEquals(new Result(0, "c\t3\n", ""), postmap("-s", file.toString()));
        assertEquals(new Result(1, "", "postmap: fatal: texthash:" + file + " map requires O_RDONLY access mode\n"),
                postmap("-d", "c", "texthash:" + file));
    }

    @Test
    void defaultDatabaseTypeShouldComeFromMainCfInTheConfigDirectory() throws Exception {
        Path file = source("t", "a b\n");
        Files.writeString(dir.resolve("main.cf"), "default_database_type = texthash\n");

        assertEquals(new Result(0, "b\n", ""), postmap("-q", "a", file.toString()));
        assertEquals(new Result(1, "", "postmap: fatal: unsupported dictionary type: texthash does not support"
                + " bulk-mode creation.\n"), postmap(file.toString()));

        Files.writeString(dir.resolve("main.cf"), "default_database_type = cdb\n");
        assertEquals(new Result(1, "", "postmap: fatal: unsupported dictionary type: cdb\n"), postmap(file.toString()));
    }

    @Test
    void badCommandLinesShouldGetPostfixsMessages() {
        String usage = "postmap: fatal: " + Postmap.USAGE + "\n";
        assertEquals(new Result(1, "", "postmap: invalid option -- 'Z'\n" + usage), postmap("-Z"));
        assertEquals(new Result(1, "", "postmap: option requires an argument -- 'q'\n" + usage), postmap("-q"));
        assertEquals(new Result(1, "", usage), postmap("-q", "key"));
        assertEquals(new Result(1, "", usage), postmap());
        assertEquals(new Result(1, "", ""), postmap("-s"));
        assertEquals(new Result(1, "", "postmap: fatal: specify only one of -s or -q or -d\n"), postmap("-q", "a", "-s", "x"));
        assertEquals(new Result(1, "", "postmap: fatal: specify only one of -s -q or -d\n"), postmap("-s", "-q", "a", "x"));
        assertEquals(new Result(1, "", "postmap: fatal: option -F is not supported by Postrelay's postmap\n"),
                postmap("-F", "x"));
        assertEquals(new Result(1, "", "postmap: fatal: can't sequence maps via the proxy service\n"),
                postmap("-s", "proxy:hash:/x"));
    }

    @Test
    void clusteredOptionsAndAttachedArgumentsShouldWorkAsWithGetopt() throws Exception {
        Path file = source("t", "Foo bar\n");
        postmap("-fw", file.toString());

        assertEquals(new Result(0, "bar\n", ""), postmap("-fqFoo", file.toString()));
        assertEquals(new Result(0, "bar\n", ""), postmap("-vnNf", "-q", "Foo", "--", file.toString()));
        // Options end at the first operand: this "-f" is a table name, and the key is folded.
        Result late = postmap("-q", "Foo", file.toString(), "-f");
        assertEquals(1, late.status());
        assertTrue(late.err().startsWith("postmap: fatal: open database -f.prdb: No such file"), late.err());
    }
}
