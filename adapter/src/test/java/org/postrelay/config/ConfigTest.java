package org.postrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    /** An ad-hoc parameter for exercising the getters on values of our choosing. */
    private static Parameter custom(String name, ParameterType type, String def, char unit, long min, long max) {
        return new Parameter(name, type, def, unit, min, max, "test parameter");
    }

    // ---- defaults -----------------------------------------------------------------------------

    @Test
    void defaultsShouldBeThoseOfANullClient() {
        Config config = Config.defaults();

        assertEquals("loopback-only", config.get(Parameters.INET_INTERFACES));
        assertEquals("", config.get(Parameters.MYDESTINATION));
        assertEquals(List.of(), config.list(Parameters.MYDESTINATION));
        assertEquals("error:local delivery is disabled", config.get(Parameters.LOCAL_TRANSPORT));
        assertEquals("/var/spool/postrelay", config.get(Parameters.QUEUE_DIRECTORY));
        assertEquals("Postrelay", config.get(Parameters.MAIL_NAME));
        assertEquals("postrelay", config.get(Parameters.SYSLOG_NAME));
        assertEquals("", config.get(Parameters.RELAYHOST));
        assertEquals("", config.get(Parameters.SMTP_TLS_SECURITY_LEVEL));
        assertTrue(config.warnings().isEmpty());
    }

    @Test
    void defaultsShouldExpandReferencesToOtherParameters() {
        Config config = Config.defaults();
        String host = Parameters.MYHOSTNAME.defaultValue();

        assertEquals(host, config.get(Parameters.MYORIGIN));
        assertEquals(host, config.get(Parameters.SMTP_HELO_NAME));
        assertEquals(host + " ESMTP Postrelay", config.get(Parameters.SMTPD_BANNER));
        assertEquals("$myhostname", config.raw("myorigin"));
        assertEquals(20, config.integer(Parameters.SMTP_DESTINATION_CONCURRENCY_LIMIT));
        assertEquals(50, config.integer(Parameters.SMTP_DESTINATION_RECIPIENT_LIMIT));
        assertEquals(1, config.integer(Parameters.SMTP_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT));
        assertEquals(List.of("noplaintext", "noanonymous"), config.list(Parameters.SMTP_SASL_TLS_SECURITY_OPTIONS));
        assertEquals("", config.get(Parameters.SMTP_FALLBACK_RELAY));
    }

    @Test
    void defaultTimesShouldBeReadInTheirUnits() {
        Config config = Config.defaults();

        assertEquals(Duration.ofSeconds(300), config.time(Parameters.MINIMAL_BACKOFF_TIME));
        assertEquals(Duration.ofSeconds(4000), config.time(Parameters.MAXIMAL_BACKOFF_TIME));
        assertEquals(Duration.ofDays(5), config.time(Parameters.MAXIMAL_QUEUE_LIFETIME));
        assertEquals(Duration.ZERO, config.time(Parameters.DELAY_WARNING_TIME));
        assertEquals(10_240_000, config.size(Parameters.MESSAGE_SIZE_LIMIT));
        assertTrue(config.bool(Parameters.APPEND_AT_MYORIGIN));
        assertFalse(config.bool(Parameters.SMTP_USE_TLS));
    }

    @Test
    void mydomainShouldFollowAConfiguredMyhostname() {
        Config config = Config.of(Map.of("myhostname", "relay.mail.example.org"));

        assertEquals("mail.example.org", config.get(Parameters.MYDOMAIN));
        assertEquals("relay.mail.example.org", config.get(Parameters.MYORIGIN));
    }

    // ---- layering -----------------------------------------------------------------------------

    @Test
    void overridesShouldWinOverMainCfAndMainCfOverDefaults(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("main.cf"), "relayhost = [a]:25\nmyorigin = example.com\n");

        Config config = Config.load(dir, Map.of("relayhost", "[b]:587"));

        assertEquals("[b]:587", config.get(Parameters.RELAYHOST));
        assertEquals("example.com", config.get(Parameters.MYORIGIN));
        assertEquals("300s", config.raw("minimal_backoff_time"));
        assertEquals(Map.of("relayhost", "[b]:587", "myorigin", "example.com"), config.explicit());
    }

    @Test
    void withShouldLayerOverridesOnAnExistingConfig() {
        Config base = Config.of(Map.of("relayhost", "[a]:25", "myorigin", "example.com"));

        Config derived = base.with(Map.of("relayhost", "[b]:25"));

        assertEquals("[b]:25", derived.get(Parameters.RELAYHOST));
        assertEquals("example.com", derived.get(Parameters.MYORIGIN));
        assertEquals("[a]:25", base.get(Parameters.RELAYHOST));
    }

    @Test
    void nullOverrideValuesShouldMeanNotSet() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("relayhost", null);

        Config config = Config.of(overrides);

        assertEquals("", config.get(Parameters.RELAYHOST));
        assertFalse(config.isSet("relayhost"));
    }

    @Test
    void missingMainCfShouldFailNamingTheFile(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Config.load(dir, Map.of()));

        assertTrue(e.getMessage().endsWith("main.cf"), e.getMessage());
    }

    // ---- expansion ----------------------------------------------------------------------------

    @Test
    void allReferenceFormsShouldExpand() {
        Config config = Config.of(Map.of("myhostname", "h.example.com",
                "smtpd_banner", "$myhostname|${mydomain}|$(mail_name)|$$|$mydomain.x"));

        assertEquals("h.example.com|example.com|Postrelay|$|example.com.x", config.get(Parameters.SMTPD_BANNER));
    }

    @Test
    void nestedReferencesShouldExpandRecursively() {
        Config config = Config.of(Map.of("a_site", "example.net", "b_site", "mail.$a_site",
                "myorigin", "${b_site}", "smtp_helo_name", "$myorigin"));

        assertEquals("mail.example.net", config.get(Parameters.SMTP_HELO_NAME));
        assertEquals("mail.example.net", config.get(Parameters.MYORIGIN));
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }

    @Test
    void conditionalExpansionShouldDependOnEmptiness() {
        Config config = Config.of(Map.of("full", "x", "empty", "",
                "smtpd_banner", "[${full?yes}][${empty?yes}][${full:no}][${empty:no}][${undefined_name:no}]"));

        assertEquals("[yes][][][no][no]", config.get(Parameters.SMTPD_BANNER));
    }

    @Test
    void conditionalWithTwoBranchesShouldPickOne() {
        Config config = Config.of(Map.of("full", "x", "empty", "",
                "smtpd_banner", "${full?{on $full}:{off}} ${empty?{on}:{off $full}} ${empty?{on}:plain}"));

        assertEquals("on x off x plain", config.get(Parameters.SMTPD_BANNER));
    }

    @Test
    void conditionalTextShouldItselfBeExpanded() {
        Config config = Config.of(Map.of("relayhost", "[r]:25",
                "smtpd_banner", "${relayhost?via $relayhost}${relayhost:direct}"));

        assertEquals("via [r]:25", config.get(Parameters.SMTPD_BANNER));
    }

    @Test
    void undefinedReferenceShouldExpandToNothing() {
        Config config = Config.of(Map.of("smtpd_banner", "a${nothing_here}b$nothing_either"));

        assertEquals("ab", config.get(Parameters.SMTPD_BANNER));
    }

    @Test
    void expansionLoopShouldFailNamingTheChain() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("myorigin", "$mydomain", "mydomain", "x.$myorigin")));

        assertTrue(e.getMessage().contains("recursive expansion loop"), e.getMessage());
        assertTrue(e.getMessage().contains("$mydomain -> $myorigin -> $mydomain")
                || e.getMessage().contains("$myorigin -> $mydomain -> $myorigin"), e.getMessage());
        assertTrue(e.getMessage().startsWith("override: parameter "), e.getMessage());
    }

    @Test
    void selfReferenceShouldFailInsteadOfOverflowing() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("smtp_helo_name", "${smtp_helo_name?{$smtp_helo_name}}")));

        assertTrue(e.getMessage().contains("$smtp_helo_name -> $smtp_helo_name"), e.getMessage());
    }

    @Test
    void malformedReferencesShouldFailNamingTheParameter() {
        ConfigException truncated = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("myorigin", "${myhostname")));
        ConfigException empty = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("myorigin", "cost $ 5")));

        assertTrue(truncated.getMessage().contains("parameter myorigin: truncated macro reference"),
                truncated.getMessage());
        assertTrue(empty.getMessage().contains("parameter myorigin: empty macro name"), empty.getMessage());
    }

    @Test
    void referencesShouldFindNamesInAllBranches() {
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(Expansion.references("$a ${b?{$c}:{$(d)}} $$e")));
    }

    // ---- typed values -------------------------------------------------------------------------

    @Test
    void timeUnitsShouldBeHonoured() {
        Parameter t = custom("test_time", ParameterType.TIME, "1", 's', 0, Long.MAX_VALUE);
        Config config = Config.defaults();

        assertEquals(Duration.ofSeconds(1), config.time(t));
        assertEquals(Duration.ofSeconds(90), Config.of(Map.of("test_time", "90s")).time(t));
        assertEquals(Duration.ofMinutes(2), Config.of(Map.of("test_time", "2m")).time(t));
        assertEquals(Duration.ofHours(3), Config.of(Map.of("test_time", "3h")).time(t));
        assertEquals(Duration.ofDays(4), Config.of(Map.of("test_time", "4d")).time(t));
        assertEquals(Duration.ofDays(14), Config.of(Map.of("test_time", "2w")).time(t));
    }

    @Test
    void bareNumbersShouldUseTheParameterDefaultUnit() {
        Config config = Config.of(Map.of("maximal_queue_lifetime", "3", "delay_warning_time", "4",
                "minimal_backoff_time", "120"));

        assertEquals(Duration.ofDays(3), config.time(Parameters.MAXIMAL_QUEUE_LIFETIME));
        assertEquals(Duration.ofHours(4), config.time(Parameters.DELAY_WARNING_TIME));
        assertEquals(Duration.ofSeconds(120), config.time(Parameters.MINIMAL_BACKOFF_TIME));
    }

    @Test
    void badTimeShouldFailNamingParameterValueAndExpectation() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("maximal_backoff_time", "4000x")));

        assertEquals("override: bad time value for parameter maximal_backoff_time: \"4000x\""
                + " (expected a number with optional unit s, m, h, d or w)", e.getMessage());
    }

    @Test
    void badTimeInMainCfShouldNameTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("main.cf"), "maximal_backoff_time = 5 m\n");

        ConfigException e = assertThrows(ConfigException.class, () -> Config.load(dir, Map.of()));

        assertTrue(e.getMessage().startsWith(dir.resolve("main.cf") + ": bad time value for parameter"
                + " maximal_backoff_time: \"5 m\""), e.getMessage());
    }

    @Test
    void timeBelowMinimumShouldFailNamingTheBound() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("minimal_backoff_time", "0s")));

        assertEquals("override: bad time value for parameter minimal_backoff_time: \"0s\" (expected at least 1s)",
                e.getMessage());
    }

    @Test
    void timeAboveMaximumShouldFailNamingTheBound() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("maximal_queue_lifetime", "101d")));

        assertTrue(e.getMessage().contains("parameter maximal_queue_lifetime: \"101d\""
                + " (expected between 0s and 8640000s)"), e.getMessage());
        assertEquals(Duration.ofDays(100),
                Config.of(Map.of("maximal_queue_lifetime", "100d")).time(Parameters.MAXIMAL_QUEUE_LIFETIME));
    }

    @Test
    void hugeTimeShouldFailInsteadOfOverflowing() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("queue_run_delay", "99999999999999999w")));

        assertTrue(e.getMessage().contains("parameter queue_run_delay"), e.getMessage());
    }

    @Test
    void integerBoundsShouldBeEnforcedNamingTheParameter() {
        ConfigException zero = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("qmgr_message_active_limit", "0")));
        ConfigException concurrency = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("smtp_destination_concurrency_limit", "-3")));
        ConfigException notANumber = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("default_process_limit", "many")));

        assertEquals("override: bad numerical value for parameter qmgr_message_active_limit: \"0\""
                + " (expected between 1 and 2147483647)", zero.getMessage());
        assertTrue(concurrency.getMessage().contains("parameter smtp_destination_concurrency_limit: \"-3\""),
                concurrency.getMessage());
        assertEquals("override: bad numerical value for parameter default_process_limit: \"many\""
                + " (expected an integer)", notANumber.getMessage());
    }

    @Test
    void valuesReachedThroughExpansionShouldBeValidatedToo() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("my_limit", "lots", "smtp_destination_recipient_limit", "$my_limit")));

        assertTrue(e.getMessage().contains("parameter smtp_destination_recipient_limit: \"lots\""
                + " (expanded from \"$my_limit\")"), e.getMessage());
    }

    @Test
    void defaultReferringToABadValueShouldFailAtLoad() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("default_destination_concurrency_limit", "0")));

        assertTrue(e.getMessage().contains("default_destination_concurrency_limit"), e.getMessage());
    }

    @Test
    void booleansShouldAcceptYesNoTrueFalseInAnyCase() {
        for (String yes : List.of("yes", "YES", "Yes", "true", "TRUE")) {
            assertTrue(Config.of(Map.of("smtp_use_tls", yes)).bool(Parameters.SMTP_USE_TLS), yes);
        }
        for (String no : List.of("no", "NO", "false", "False")) {
            assertFalse(Config.of(Map.of("smtp_use_tls", no)).bool(Parameters.SMTP_USE_TLS), no);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> Config.of(Map.of("smtp_use_tls", "maybe")));
        assertEquals("override: bad boolean value for parameter smtp_use_tls: \"maybe\" (expected yes or no)",
                e.getMessage());
    }

    @Test
    void sizesShouldBePlainByteCounts() {
        assertEquals(0, Config.of(Map.of("message_size_limit", "0")).size(Parameters.MESSAGE_SIZE_LIMIT));
        assertEquals(52_428_800L,
                Config.of(Map.of("message_size_limit", "52428800")).size(Parameters.MESSAGE_SIZE_LIMIT));
        ConfigException suffix = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("message_size_limit", "10M")));
        ConfigException negative = assertThrows(ConfigException.class,
                () -> Config.of(Map.of("bounce_size_limit", "-1")));

        assertTrue(suffix.getMessage().contains("bad size value for parameter message_size_limit: \"10M\""),
                suffix.getMessage());
        assertTrue(negative.getMessage().contains("parameter bounce_size_limit"), negative.getMessage());
    }

    @Test
    void listsShouldSplitOnCommasAndWhitespace() {
        Config config = Config.of(Map.of("mynetworks", " 127.0.0.0/8,[::1]/128 ,, 10.0.0.0/8\t192.168.0.0/16 "));

        assertEquals(List.of("127.0.0.0/8", "[::1]/128", "10.0.0.0/8", "192.168.0.0/16"),
                config.list(Parameters.MYNETWORKS));
    }

    @Test
    void gettersShouldTrimValues() {
        Config config = Config.of(Map.of("myorigin", "  example.com  "));

        assertEquals("example.com", config.get(Parameters.MYORIGIN));
    }

    // ---- unknown parameters -------------------------------------------------------------------

    @Test
    void unknownParameterShouldBeKeptAndWarnedAbout() {
        List<LogRecord> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("org.postrelay.config");
        logger.addHandler(handler);
        try {
            Config config = Config.of(MainCf.parse("relayhsot = [mail]:587\n", "main.cf"), Map.of());

            assertEquals(List.of("main.cf: unused parameter: relayhsot=[mail]:587"), config.warnings());
            assertEquals("[mail]:587", config.raw("relayhsot"));
            assertTrue(logged.stream().anyMatch(r -> r.getLevel() == Level.WARNING
                    && r.getMessage().equals("main.cf: unused parameter: relayhsot=[mail]:587")));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void unknownOverrideShouldBeWarnedAboutAsOverride() {
        Config config = Config.of(Map.of("foo", "bar"));

        assertEquals(List.of("override: unused parameter: foo=bar"), config.warnings());
    }

    @Test
    void unknownParameterReferencedByAnotherShouldNotBeWarnedAbout() {
        Config config = Config.of(Map.of("site_relay", "[mail]:25", "relayhost", "${site_relay}"));

        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
        assertEquals("[mail]:25", config.get(Parameters.RELAYHOST));
    }

    @Test
    void mainCfSyntaxWarningsShouldReachConfigWarnings() {
        Config config = Config.of(MainCf.parse("  stray\nrelayhost = x\n", "main.cf"), Map.of());

        assertEquals(1, config.warnings().size());
        assertTrue(config.warnings().get(0).startsWith("main.cf, line 1:"), config.warnings().get(0));
        assertEquals(config.warnings(), config.with(Map.of("myorigin", "a.b")).warnings());
    }

    @Test
    void rawShouldBeNullForUnknownUnsetParameters() {
        assertNull(Config.defaults().raw("no_such_parameter"));
    }
}
