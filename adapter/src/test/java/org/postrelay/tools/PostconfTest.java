package org.postrelay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.Parameter;
import org.postrelay.config.Parameters;

/** postconf's flags, output and in-place edits, checked against Postfix's own postconf where installed. */
class PostconfTest {

    private static final Path REAL_POSTCONF = Path.of("/usr/sbin/postconf");
    private static final String MAIN_CF = """
            # the seed's null client
            relayhost = [smtp.example.com]:587
            myorigin = $mydomain
              # a comment inside nothing
            mydomain = example.com
            mydestination =
            smtp_sasl_security_options =
                noanonymous
            user_thing = 1
            """;

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {}

    private Result postconf(String... args) {
        return postconf(Map.of(), args);
    }

    private Result postconf(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Postconf.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path mainCf() throws IOException {
        Path file = dir.resolve("main.cf");
        if (!Files.exists(file)) {
            Files.writeString(file, MAIN_CF);
        }
        return file;
    }

    @Test
    void nShouldListWhatMainCfSetsSortedWithConfigDirectoryAsPostfixDoes() throws IOException {
        mainCf();
        Result r = postconf("-c", dir.toString(), "-n");
        assertEquals(0, r.status);
        assertEquals("config_directory = " + dir + "\n"
                + "mydestination =\n"
                + "mydomain = example.com\n"
                + "myorigin = $mydomain\n"
                + "relayhost = [smtp.example.com]:587\n"
                + "smtp_sasl_security_options = noanonymous\n", r.out);
        assertTrue(r.err.contains("postconf: warning: " + dir.resolve("main.cf") + ": unused parameter: user_thing=1"),
                r.err);
    }

    @Test
    void namedParametersShouldPrintRawExpandedOrBareValues() throws IOException {
        mainCf();
        String c = dir.toString();
        assertEquals("myorigin = $mydomain\n", postconf("-c", c, "myorigin").out);
        assertEquals("myorigin = example.com\n", postconf("-c", c, "-x", "myorigin").out);
        assertEquals("example.com\n[smtp.example.com]:587\n", postconf("-c", c, "-xh", "myorigin", "relayhost").out);
        Result unknown = postconf("-c", c, "no_such_thing", "relayhost");
        assertEquals(0, unknown.status);
        assertEquals("relayhost = [smtp.example.com]:587\n", unknown.out);
        assertTrue(unknown.err.contains("postconf: warning: no_such_thing: unknown parameter"), unknown.err);
    }

    @Test
    void mailConfigShouldNameTheDirectoryWhenNoOptionDoes() throws IOException {
        mainCf();
        assertEquals("[smtp.example.com]:587\n", postconf(Map.of("MAIL_CONFIG", dir.toString()), "-h", "relayhost").out);
    }

    @Test
    void defaultsShouldBePrintedForEveryParameterInNameOrder() {
        Result r = postconf("-d");
        List<String> lines = r.out.lines().toList();
        assertEquals(Parameters.all().size(), lines.size());
        List<String> sorted = new ArrayList<>(lines);
        sorted.sort(null);
        assertEquals(sorted, lines);
        assertTrue(lines.contains("maximal_backoff_time = 4000s"), r.out);
        assertTrue(lines.contains("relayhost ="), r.out);
    }

    @Test
    void editShouldReplaceEveryDefinitionInPlaceAndAppendNewOnes() throws IOException {
        Path file = mainCf();
        Result r = postconf("-c", dir.toString(), "-e", "relayhost = [mail.example.net]:2525",
                "smtp_sasl_security_options=noplaintext", "smtp_use_tls=yes");
        assertEquals(0, r.status, r.err);
        assertEquals("""
                # the seed's null client
                relayhost = [mail.example.net]:2525
                myorigin = $mydomain
                  # a comment inside nothing
                mydomain = example.com
                mydestination =
                smtp_sasl_security_options = noplaintext
                user_thing = 1
                smtp_use_tls = yes
                """, Files.readString(file));
    }

    @Test
    void editShouldRefuseABadValueAndLeaveTheFileAlone() throws IOException {
        Path file = mainCf();
        Result r = postconf("-c", dir.toString(), "-e", "maximal_backoff_time=soon");
        assertEquals(1, r.status);
        assertTrue(r.err.startsWith("postconf: fatal: ") && r.err.contains("maximal_backoff_time")
                && r.err.contains("\"soon\""), r.err);
        assertEquals(MAIN_CF, Files.readString(file));
        Result noEquals = postconf("-c", dir.toString(), "-e", "relayhost");
        assertEquals("postconf: fatal: missing '=' after attribute name: \"relayhost\"\n", noEquals.err);
    }

    @Test
    void commentOutAndRemoveShouldTouchEveryLineOfTheDefinition() throws IOException {
        Path file = mainCf();
        assertEquals(0, postconf("-c", dir.toString(), "-#", "smtp_sasl_security_options").status);
        assertTrue(Files.readString(file).contains("#smtp_sasl_security_options =\n#    noanonymous\n"));
        assertEquals(0, postconf("-c", dir.toString(), "-X", "relayhost", "user_thing").status);
        String text = Files.readString(file);
        assertTrue(!text.contains("relayhost") && !text.contains("user_thing") && text.contains("myorigin"), text);
    }

    @Test
    void aMissingMainCfShouldBeFatalNamingIt() {
        Result r = postconf("-c", dir.resolve("nowhere").toString(), "-n");
        assertEquals(1, r.status);
        assertEquals("postconf: fatal: open " + dir.resolve("nowhere/main.cf") + ": No such file or directory\n", r.err);
    }

    @Test
    void aBadOptionShouldPrintUsage() {
        Result r = postconf("-z");
        assertEquals(1, r.status);
        assertTrue(r.err.startsWith("postconf: invalid option -- 'z'\nusage: postconf"), r.err);
    }

    /** The same edits by Postfix's postconf and ours give the same file, byte for byte. */
    @Test
    void editsShouldMatchPostfixsPostconf() throws Exception {
        assumeTrue(Files.isExecutable(REAL_POSTCONF), "Postfix's postconf is not installed");
        Path ours = Files.createDirectory(dir.resolve("ours"));
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        for (Path d : List.of(ours, theirs)) {
            Files.writeString(d.resolve("main.cf"), MAIN_CF + "relayhost = again\n  continued\n");
        }
        List<List<String>> edits = List.of(List.of("-e", "relayhost=[a]:587", "myorigin = x.example", "new_one=2"),
                List.of("-#", "mydomain"), List.of("-X", "mydestination"));
        for (List<String> edit : edits) {
            List<String> command = new ArrayList<>(List.of(REAL_POSTCONF.toString(), "-c", theirs.toString()));
            command.addAll(edit);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor());
            List<String> ourArgs = new ArrayList<>(List.of("-c", ours.toString()));
            ourArgs.addAll(edit);
            assertEquals(0, postconf(ourArgs.toArray(String[]::new)).status);
            assertEquals(Files.readString(theirs.resolve("main.cf")), Files.readString(ours.resolve("main.cf")), edit.toString());
        }
    }

    /**
     * postconf -d agrees with Postfix's for every parameter we share, except where our table says
     * Postrelay differs on purpose, and except values derived from this machine's name.
     */
    @Test
    void defaultsShouldMatchPostfixsExceptWhereWeSaySo() throws Exception {
        assumeTrue(Files.isExecutable(REAL_POSTCONF), "Postfix's postconf is not installed");
        List<String> names = Parameters.all().stream().map(Parameter::name).toList();
        List<String> command = new ArrayList<>(List.of(REAL_POSTCONF.toString(), "-d"));
        command.addAll(names);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor();
        List<String> differences = new ArrayList<>();
        for (String line : theirs) {
            String name = line.substring(0, line.indexOf(" ="));
            Parameter parameter = Parameters.byName(name).orElseThrow();
            if (parameter.meaning().contains("Postrelay default") || name.equals("myhostname") || name.equals("mydomain")) {
                continue;
            }
            String ours = postconf("-d", name).out.strip();
            if (!ours.equals(line.strip())) {
                differences.add("ours: " + ours + " | Postfix: " + line);
            }
        }
        assertTrue(theirs.size() > Parameters.all().size() / 2, "Postfix knows few of our parameters: " + theirs.size());
        assertEquals(List.of(), differences);
    }
}
