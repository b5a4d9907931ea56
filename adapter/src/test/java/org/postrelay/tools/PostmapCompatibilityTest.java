package org.postrelay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our postmap against Postfix's own (/usr/sbin/postmap, skipped where it is not installed): the
 * same source file must give the same -q answers, -q - output and -s contents (as sets, since
 * Postfix lists in hash order), warnings on the same lines, in the same directory: Postfix's
 * FILE.db and our FILE.prdb live side by side.
 */
class PostmapCompatibilityTest {

    private static final Path POSTFIX_POSTMAP = Path.of("/usr/sbin/postmap");

    /** Every rule of the source syntax that the two might disagree on. */
    private static final String SOURCE = String.join("\n",
            "# comment at the top",
            "Foo bar",
            "[Smtp.Example.com]:587   user:Pass Word  ",
            "  continued here",
            "dup first",
            "DUP second",
            "  # indented comment inside a logical line",
            "# column-0 comment inside a logical line",
            "  more for the second dup",
            "key\ttab\tvalue",
            "",
            "   ",
            "keyonly",
            " on the next line",
            "lonely",
            "UPPER VALUE Stays",
            "x   y  # not a comment",
            "crlf value\r",
            "\"Quoted Key\" q",
            "back\\ slash e",
            "unbal\"anced f",
            "alias: style",
            "Straße ss",
            "ΣΟΦΌΣ sigma",
            "ÄÖÜ umlauts",
            "user@Example.COM address",
            "last no-newline");

    private static final List<String> PROBES = List.of("foo", "FOO", "Foo", "[smtp.example.com]:587",
            "[SMTP.EXAMPLE.COM]:587", "dup", "Dup", "key", "keyonly", "lonely", "upper", "x", "crlf",
            "\"quoted key\"", "\"Quoted Key\"", "back\\ slash", "unbal\"anced", "alias:", "strasse", "STRASSE",
            "straße", "σοφόσ", "σοφός", "äöü", "ÄÖÜ", "user@example.com", "last", "absent", "bar", "");

    @TempDir
    Path dir;
    private Path source;

    @BeforeAll
    static void requirePostfix() {
        assumeTrue(Files.isExecutable(POSTFIX_POSTMAP), "Postfix's postmap is not installed");
    }

    @BeforeEach
    void writeSource() throws IOException {
        // Postfix 3.7 as installed: compatibility level 3.6, so smtputf8_enable = yes (UTF-8 folding).
        Files.writeString(dir.resolve("main.cf"), "compatibility_level = 3.6\n");
        source = dir.resolve("table");
        Files.writeString(source, SOURCE);
    }

    record Outcome(int status, String out, String err) {
    }

    private Outcome postfix(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(POSTFIX_POSTMAP.toString(), "-c", dir.toString()));
        command.addAll(Arrays.asList(args));
        Path input = Files.writeString(dir.resolve("stdin"), stdin);
        Process process = new ProcessBuilder(command).redirectInput(input.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assumeTrue(process.waitFor(60, TimeUnit.SECONDS), "postmap did not finish");
        return new Outcome(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    private Outcome ours(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("-c", dir.toString()));
        all.addAll(Arrays.asList(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Postmap(Map.of()).run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Set<String> lines(String text) {
        return new TreeSet<>(text.lines().toList());
    }

    /** The line numbers warned about, and the duplicate keys: the wording differs on purpose. */
    private static Set<String> warningSubjects(String err) {
        Set<String> subjects = new TreeSet<>();
        Matcher m = Pattern.compile("line (\\d+)|duplicate entry: (\".*\")").matcher(err);
        while (m.find()) {
            subjects.add(m.group(1) != null ? "line " + m.group(1) : "duplicate " + m.group(2));
        }
        return subjects;
    }

    private void assertSameTables(String... buildOptions) throws Exception {
        List<String> build = new ArrayList<>(Arrays.asList(buildOptions));
        build.add("hash:" + source);
        Outcome theirs = postfix("", build.toArray(String[]::new));
        Outcome mine = ours("", build.toArray(String[]::new));
        assertEquals(0, theirs.status(), theirs.err());
        assertEquals(0, mine.status(), mine.err());
        assertEquals(warningSubjects(theirs.err()), warningSubjects(mine.err()), mine.err());
        assertFalse(warningSubjects(mine.err()).isEmpty());

        List<String> query = new ArrayList<>(Arrays.asList(buildOptions));
        query.addAll(List.of("-s", "hash:" + source));
        Outcome theirList = postfix("", query.toArray(String[]::new));
        assertEquals(lines(theirList.out()), lines(ours("", query.toArray(String[]::new)).out()));

        List<String> fold = Arrays.asList(buildOptions).contains("-f") ? List.of("-f") : List.of();
        String keys = String.join("\n", PROBES) + "\n";
        List<String> stdinQuery = new ArrayList<>(fold);
        stdinQuery.addAll(List.of("-q", "-", "hash:" + source));
        assertEquals(postfix(keys, stdinQuery.toArray(String[]::new)),
                ours(keys, stdinQuery.toArray(String[]::new)));
        for (String key : List.of("FOO", "[smtp.example.com]:587", "absent")) {
            List<String> one = new ArrayList<>(fold);
            one.addAll(List.of("-q", key, "hash:" + source));
            assertEquals(postfix("", one.toArray(String[]::new)), ours("", one.toArray(String[]::new)), key);
        }
    }

    @Test
    void defaultBuildShouldMatchPostfix() throws Exception {
        assertSameTables();
        assertEquals(true, Files.exists(dir.resolve("table.db")) && Files.exists(dir.resolve("table.prdb")));
    }

    @Test
    void buildWithoutCaseFoldingShouldMatchPostfix() throws Exception {
        assertSameTables("-f");
    }

    @Test
    void buildReplacingDuplicatesShouldMatchPostfix() throws Exception {
        Outcome theirs = postfix("", "-r", "hash:" + source);
        Outcome mine = ours("", "-r", "hash:" + source);
        assertEquals(theirs.status(), mine.status());
        assertEquals(postfix("", "-q", "DUP", "hash:" + source), ours("", "-q", "DUP", "hash:" + source));
        assertEquals(lines(postfix("", "-s", "hash:" + source).out()), lines(ours("", "-s", "hash:" + source).out()));
    }

    @Test
    void texthashShouldAnswerAsPostfixDoes() throws Exception {
        String keys = String.join("\n", PROBES) + "\n";

        Outcome theirs = postfix(keys, "-q", "-", "texthash:" + source);
        Outcome mine = ours(keys, "-q", "-", "texthash:" + source);

        assertEquals(theirs.status(), mine.status());
        assertEquals(theirs.out(), mine.out());
        assertEquals(lines(postfix("", "-s", "texthash:" + source).out()),
                lines(ours("", "-s", "texthash:" + source).out()));
    }

    @Test
    void inlineAndStaticShouldAnswerAsPostfixDoes() throws Exception {
        String inline = "inline:{ foo=bar, { Key2 = text with spaces }, {\"a b\"=c}, foo=dup, x={y} }";
        String keys = "FOO\nkey2\n\"a b\"\nx\nnone\n";

        assertEquals(postfix(keys, "-q", "-", inline), ours(keys, "-q", "-", inline));
        assertEquals(lines(postfix("", "-s", inline).out()), lines(ours("", "-s", inline).out()));
        assertEquals(postfix("", "-q", "any", "static:{ hello world }"), ours("", "-q", "any", "static:{ hello world }"));
    }

    @Test
    void incrementalAndDeleteShouldMatchPostfix() throws Exception {
        postfix("", "hash:" + source);
        ours("", "hash:" + source);
        String more = "dup third\nNew one\nfoo baz\n";

        assertEquals(postfix(more, "-i", "hash:" + source).status(), ours(more, "-i", "hash:" + source).status());
        assertEquals(lines(postfix("", "-s", "hash:" + source).out()), lines(ours("", "-s", "hash:" + source).out()));
        for (String key : List.of("NEW", "new", "absent")) {
            Outcome theirs = postfix("", "-d", key, "hash:" + source);
            Outcome mine = ours("", "-d", key, "hash:" + source);
            assertEquals(theirs.status(), mine.status(), key);
        }
        assertEquals(lines(postfix("", "-s", "hash:" + source).out()), lines(ours("", "-s", "hash:" + source).out()));
    }
}
