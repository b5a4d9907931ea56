package org.postrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.postrelay.testing.Fuzz;

/**
 * Fuzzes the main.cf reader and the configuration built from it ({@link MainCf#parse},
 * {@link Config#of(MainCf, Map)}; src/docs/reliability.md, "Bad input"): random text and mutations
 * of valid main.cf files (bytes and tokens such as {@code $}, <code>${</code>, {@code =}, line
 * breaks and parameter names inserted, replaced or deleted). Properties: the only error is a
 * {@link ConfigException} naming the file and the line or the parameter; no hang; allocation
 * bounded; a valid file's values come back as written.
 */
class MainCfFuzzTest {

    private static final String SOURCE = "/etc/postrelay/main.cf";
    private static final List<Parameter> PARAMETERS = List.copyOf(Parameters.all());
    private static final byte[][] DICTIONARY;
    private static final Logger CONFIG_LOG = Logger.getLogger("org.postrelay.config");
    private static Level savedLevel;
    private static Fuzz fuzz;

    static {
        List<byte[]> tokens = new ArrayList<>();
        for (String t : new String[] {"$", "$$", "${", "$(", "}", ")", "?", ":", "?{", "}:{", "=", " = ", "\n", "\r\n",
                "\n ", "\n#", "\t", ",", "yes", "no", "-1", "99999999999999999999", "1w", "5d", "0", "$myhostname",
                "${myhostname?{x}:{y}}", "${relayhost:none}", "$(myorigin)", "{", "inline:{ a=b }", "\u00e9", "\ufeff"}) {
            tokens.add(t.getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < PARAMETERS.size(); i += 7) {
            tokens.add(PARAMETERS.get(i).name().getBytes(StandardCharsets.US_ASCII));
        }
        DICTIONARY = tokens.toArray(new byte[0][]);
    }

    @BeforeContainer
    static void quiet() {
        savedLevel = CONFIG_LOG.getLevel();
        CONFIG_LOG.setLevel(Level.OFF);                    // "unused parameter" warnings by the million
    }

    @AfterContainer
    static void report() {
        CONFIG_LOG.setLevel(savedLevel);
        if (fuzz != null) {
            fuzz.close();
        }
    }

    /** An input: its bytes, and the values it sets when it was left valid (null when mutated). */
    record Case(byte[] bytes, Map<String, String> values) {
        @Override
        public String toString() {
            return Fuzz.show(bytes);
        }
    }

    /** A value that the parameter's type accepts, without '$' (so it comes back unexpanded). */
    static String validValue(Parameter p, Random r) {
        return switch (p.type()) {
            case BOOLEAN -> r.nextBoolean() ? "yes" : "no";
            case INTEGER, SIZE -> Long.toString(between(p, r));
            case TIME -> between(p, r) + "s";
            case STRING, LIST -> new String[] {"", "example.com", "a, b c", "[relay.example.com]:587",
                "inline:{ a=b, c=d }", "text with spaces", "x"}[r.nextInt(7)];
        };
    }

    private static long between(Parameter p, Random r) {
        long low = Math.max(p.min(), p.type() == ParameterType.INTEGER ? -5 : 0);
        long high = Math.min(p.max(), low + 100_000);
        return low + (long) (r.nextDouble() * (high - low));
    }

    static Case mainCf(Random r) {
        int kind = r.nextInt(20);
        if (kind == 0) {
            return new Case(Fuzz.randomBytes(r, 300), null);
        }
        Map<String, String> values = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder("# main.cf for a fuzz run\n\n");
        for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
            Parameter p = PARAMETERS.get(r.nextInt(PARAMETERS.size()));
            if (p.name().equals("config_directory") || p.name().equals("queue_directory")) {
                continue;
            }
            String value = validValue(p, r);
            values.put(p.name(), value);
            if (r.nextInt(5) == 0 && value.contains(" ")) {   // a continuation line
                int space = value.indexOf(' ');
                text.append(p.name()).append(" = ").append(value, 0, space).append("\n    ")
                        .append(value.substring(space + 1).strip()).append('\n');
                values.put(p.name(), value.substring(0, space) + " " + value.substring(space + 1).strip());
            } else {
                text.append(p.name()).append(r.nextBoolean() ? " = " : "=").append(value).append('\n');
            }
            if (r.nextInt(4) == 0) {
                text.append("# a comment\n");
            }
        }
        if (r.nextInt(3) == 0) {
            text.append("my_own = $myhostname and ${mydomain?{yes}:{no}}\nmyorigin = $my_own\n");
            values.put("my_own", "$myhostname and ${mydomain?{yes}:{no}}");
            values.put("myorigin", "$my_own");
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return kind == 1 ? new Case(bytes, values) : new Case(Fuzz.mutate(bytes, r, DICTIONARY), null);
    }

    @Provide
    Arbitrary<Case> mainCfFiles() {
        return Arbitraries.randomValue(MainCfFuzzTest::mainCf);
    }

    @Property(shrinking = ShrinkingMode.OFF)
    void mainCfIsReadOrRejectedNamingFileAndParameter(@ForAll("mainCfFiles") Case input) throws Exception {
        if (fuzz == null) {
            fuzz = Fuzz.start("main.cf");
        }
        // Config expands and validates every parameter (some hundreds) with their defaults.
        long bound = (4L << 20) + 64L * input.bytes().length;
        fuzz.input(input.bytes(), bound, () -> {
            String text = new String(input.bytes(), StandardCharsets.UTF_8);   // as MainCf.read decodes
            try {
                MainCf mainCf = MainCf.parse(text, SOURCE);
                Config config = Config.of(mainCf, Map.of());
                if (input.values() != null) {
                    input.values().forEach((name, value) -> assertEquals(value, config.raw(name), name));
                    for (Parameter p : PARAMETERS) {
                        String value = input.values().get(p.name());
                        if (value != null && !value.contains("$")) {
                            assertEquals(value, config.get(p), p.name());
                        }
                    }
                }
                return true;
            } catch (ConfigException e) {
                assertTrue(input.values() == null, "a valid main.cf was rejected: " + e.getMessage());
                String m = e.getMessage();
                assertTrue(m.startsWith(SOURCE + ", line ") || m.startsWith(SOURCE + ": ") && m.contains("parameter "),
                        "the error names neither the line nor the parameter: " + m);
                return false;
            }
        });
    }

    // ---- inputs the mutations are unlikely to reach --------------------------------------------

    /** Each level doubles the text: 2^40 characters unless expansion is bounded. */
    @Example
    void exponentialExpansionIsRejectedNotExpanded() {
        StringBuilder text = new StringBuilder("myorigin = $p0\n");
        for (int i = 0; i < 40; i++) {
            text.append("p").append(i).append(" = $p").append(i + 1).append(" $p").append(i + 1).append('\n');
        }
        text.append("p40 = x\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(MainCf.parse(text.toString(), SOURCE), Map.of()));
        // named: the file, the parameter where the text outgrew the limit, and the one being expanded
        assertTrue(e.getMessage().startsWith(SOURCE + ": parameter p"), e.getMessage());
        assertTrue(e.getMessage().contains("longer than 100000 characters"), e.getMessage());
        assertTrue(e.getMessage().endsWith("in the value of myorigin)"), e.getMessage());
    }

    /** Found by the fuzzer: the loop was reported under the default that closes it. */
    @Example
    void aLoopThroughADefaultNamesTheParameterThatWasSet() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(MainCf.parse("myhostname = $myorigin\n", SOURCE), Map.of()));
        assertTrue(e.getMessage().startsWith(SOURCE + ": parameter myhostname: recursive expansion loop: "), e.getMessage());
    }

    @Example
    void deepNestingIsRejected() {
        String value = "${myhostname?{".repeat(5000) + "x" + "}}".repeat(5000);
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(MainCf.parse("myorigin = " + value + "\n", SOURCE), Map.of()));
        assertTrue(e.getMessage().startsWith(SOURCE + ": parameter myorigin: "), e.getMessage());
    }
}
