package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.LookupTable;
import org.postrelay.testing.TestPasswords;
import org.postrelay.testing.TestPki;
import org.postrelay.testing.TlsSmtpServer;

/** SASL AUTH against real servers on loopback (SubEthaSMTP's PLAIN and LOGIN), with and without TLS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmtpSaslTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RELAY = "localhost[127.0.0.1]";
    private static final String PASSWORD = TestPasswords.ALICE;
    private static final Map<String, String> USERS = Map.of("alice", PASSWORD);

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Path caFile;

    @BeforeAll
    static void makeCa() {
        pki = TestPki.create("Postrelay Test CA");
        caFile = pki.writeCa(dir.resolve("ca.pem"));
    }

    private static TlsSmtpServer tlsServer(String mechanisms) {
        return TlsSmtpServer.builder().startTls(pki.server(List.of("localhost"), List.of()).serverContext(null))
                .auth(mechanisms, USERS).start();
    }

    private static TlsSmtpServer plainServer(String mechanisms) {
        return TlsSmtpServer.builder().auth(mechanisms, USERS).start();
    }

    /** The seed's settings: TLS when offered, SASL with noanonymous only, over TLS and without. */
    private static Map<String, String> seed(String... more) {
        Map<String, String> p = new HashMap<>();
        p.put("smtp_tls_security_level", "may");
        p.put("smtp_tls_CAfile", caFile.toString());
        p.put("smtp_sasl_auth_enable", "yes");
        p.put("smtp_sasl_password_maps", "hash:/etc/postfix/sasl_passwd");
        p.put("smtp_sasl_security_options", "noanonymous");
        p.put("smtp_sasl_tls_security_options", "noanonymous");
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    private static DeliveryReport deliver(Map<String, String> parameters, Map<String, String> passwords,
                                          TlsSmtpServer server, String rcpt, SmtpLog log) {
        try (SmtpClient client = TlsTesting.client(parameters, log, passwords)) {
            return client.deliver(Nexthop.parse(server.relayhost("localhost")), "app@example.com", List.of(rcpt),
                    TlsTesting.message());
        }
    }

    @Test
    void plainOverTlsShouldLogIn() {
        try (TlsSmtpServer server = tlsServer("PLAIN LOGIN")) {
            DeliveryReport r = deliver(seed(), Map.of("localhost", "alice:" + PASSWORD), server, "a@example.org",
                    new TlsTesting.Lines());
            assertEquals(Outcome.SENT, r.results().get(0).outcome(), r.toString());
            TlsSmtpServer.Received m = server.awaitMessageTo("a@example.org", WAIT);
            assertEquals("alice", m.user());
            assertTrue(m.tls());
            assertEquals(List.of(new TlsSmtpServer.Login("alice", true)), server.logins());
        }
    }

    @Test
    void loginOverTlsShouldLogIn() {
        try (TlsSmtpServer server = tlsServer("LOGIN")) {
            DeliveryReport r = deliver(seed(), Map.of("localhost", "alice:" + PASSWORD), server, "a@example.org",
                    new TlsTesting.Lines());
            assertEquals(Outcome.SENT, r.results().get(0).outcome(), r.toString());
            assertEquals("alice", server.awaitMessageTo("a@example.org", WAIT).user());
        }
    }

    @Test
    void plainWithoutTlsShouldLogInWhenTheOptionsAllowPlaintext() {
        try (TlsSmtpServer server = plainServer("PLAIN")) {
            DeliveryReport r = deliver(seed(), Map.of("localhost", "alice:" + PASSWORD), server, "a@example.org",
                    new TlsTesting.Lines());
            assertEquals(Outcome.SENT, r.results().get(0).outcome(), r.toString());
            TlsSmtpServer.Received m = server.awaitMessageTo("a@example.org", WAIT);
            assertEquals("alice", m.user());
            assertFalse(m.tls());
        }
    }

    @Test
    void noplaintextWithoutTlsShouldRefusePlainAndLogin() {
        for (String mechanisms : List.of("PLAIN", "LOGIN")) {
            try (TlsSmtpServer server = plainServer(mechanisms)) {
                TlsTesting.Lines log = new TlsTesting.Lines();
                DeliveryReport r = deliver(seed("smtp_sasl_security_options", "noplaintext, noanonymous"),
                        Map.of("localhost", "alice:" + PASSWORD), server, "a@example.org", log);
                assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.0",
                        "SASL authentication failed; cannot authenticate to server " + RELAY + ": no mechanism"
                                + " available")), r.results());
                assertTrue(r.siteFailure());
                assertTrue(log.contains("warning: SASL authentication failure: No worthy mechs found"), log.toString());
                assertEquals(List.of(), server.logins(), "the password never went out in clear text");
                assertFalse(server.received("a@example.org"));
            }
        }
    }

    @Test
    void noplaintextShouldApplyOverTlsWithTheTlsOptions() {
        try (TlsSmtpServer server = tlsServer("PLAIN LOGIN")) {
            // smtp_sasl_tls_security_options defaults to $smtp_sasl_security_options: Postfix's
            // "noplaintext, noanonymous" refuses PLAIN and LOGIN even over TLS
            Map<String, String> p = seed("smtp_sasl_security_options", "noplaintext, noanonymous");
            p.remove("smtp_sasl_tls_security_options");
            DeliveryReport refused = deliver(p, Map.of("localhost", "alice:" + PASSWORD), server, "a@example.org",
                    new TlsTesting.Lines());
            assertEquals("SASL authentication failed; cannot authenticate to server " + RELAY + ": no mechanism available",
                    refused.results().get(0).reply());

            p.put("smtp_sasl_tls_security_options", "noanonymous");
            DeliveryReport sent = deliver(p, Map.of("localhost", "alice:" + PASSWORD), server, "b@example.org",
                    new TlsTesting.Lines());
            assertEquals(Outcome.SENT, sent.results().get(0).outcome(), sent.toString());
            assertEquals("alice", server.awaitMessageTo("b@example.org", WAIT).user());
        }
    }

    @Test
    void rejectedLoginShouldDeferWithSoftBounceAndBounceWithout() {
        for (String mechanisms : List.of("PLAIN", "LOGIN")) {
            try (TlsSmtpServer server = tlsServer(mechanisms)) {
                String reply = "535 Authentication credentials invalid";
                DeliveryReport soft = deliver(seed(), Map.of("localhost", "alice:wrong"), server, "a@example.org",
                        new TlsTesting.Lines());
                assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.0.0",
                        "SASL authentication failed; server " + RELAY + " said: " + reply, reply)), soft.results());
                assertTrue(soft.siteFailure());

                DeliveryReport hard = deliver(seed("smtp_sasl_auth_soft_bounce", "no"), Map.of("localhost", "alice:wrong"),
                        server, "b@example.org", new TlsTesting.Lines());
                assertEquals(List.of(new RecipientResult("b@example.org", Outcome.BOUNCED, "5.0.0",
                        "SASL authentication failed; server " + RELAY + " said: " + reply, reply)), hard.results());
                assertFalse(hard.siteFailure());
                assertEquals(List.of(new TlsSmtpServer.Login("alice", false), new TlsSmtpServer.Login("alice", false)),
                        server.logins(), mechanisms);
                assertTrue(server.messages().isEmpty());
            }
        }
    }

    @Test
    void serverWithoutCredentialsShouldGetMailWithoutAuth() {
        try (TlsSmtpServer server = tlsServer("PLAIN LOGIN")) {
            DeliveryReport r = deliver(seed(), Map.of("[smtp.example.com]:587", "alice:" + PASSWORD), server,
                    "a@example.org", new TlsTesting.Lines());
            assertEquals(Outcome.SENT, r.results().get(0).outcome());
            assertNull(server.awaitMessageTo("a@example.org", WAIT).user());
            assertEquals(List.of(), server.logins());
        }
    }

    @Test
    void serverWithoutAuthShouldGetMailWithoutAuth() {
        try (TlsSmtpServer server = TlsSmtpServer.builder().start()) {
            DeliveryReport r = deliver(seed(), Map.of("localhost", "alice:" + PASSWORD), server, "a@example.org",
                    new TlsTesting.Lines());
            assertEquals(Outcome.SENT, r.results().get(0).outcome());
            assertNull(server.awaitMessageTo("a@example.org", WAIT).user());
        }
    }

    @Test
    void passwordMapsShouldBeSearchedByHostNameThenByNexthopAsWritten() {
        Map<String, String> users = Map.of("alice", PASSWORD, "bob", TestPasswords.BOB);
        try (TlsSmtpServer server = TlsSmtpServer.builder()
                .startTls(pki.server(List.of("localhost"), List.of()).serverContext(null)).auth("PLAIN", users).start()) {
            String nexthop = "[localhost]:" + server.port();
            deliver(seed(), Map.of(nexthop, "bob:" + TestPasswords.BOB), server, "a@example.org", new TlsTesting.Lines());
            assertEquals("bob", server.awaitMessageTo("a@example.org", WAIT).user());

            deliver(seed(), Map.of(nexthop, "bob:" + TestPasswords.BOB, "localhost", "alice:" + PASSWORD), server,
                    "b@example.org", new TlsTesting.Lines());
            assertEquals("alice", server.awaitMessageTo("b@example.org", WAIT).user(), "the host name comes first");
        }
    }

    @Test
    void mechanismFilterLeavingNothingShouldDeferAsPostfixDoes() {
        try (TlsSmtpServer server = tlsServer("LOGIN")) {
            TlsTesting.Lines log = new TlsTesting.Lines();
            DeliveryReport r = deliver(seed("smtp_sasl_mechanism_filter", "plain, !login"),
                    Map.of("localhost", "alice:" + PASSWORD), server, "a@example.org", log);
            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.0",
                    "SASL authentication failed: server " + RELAY + " offered no compatible authentication mechanisms"
                            + " for this type of connection security")), r.results());
            assertTrue(log.contains("warning: " + RELAY + ":" + server.port()
                    + " offered no supported AUTH mechanisms: 'LOGIN'"), log.toString());
        }
        try (TlsSmtpServer server = tlsServer("PLAIN LOGIN")) {
            DeliveryReport r = deliver(seed("smtp_sasl_mechanism_filter", "login"),
                    Map.of("localhost", "alice:" + PASSWORD), server, "a@example.org", new TlsTesting.Lines());
            assertEquals(Outcome.SENT, r.results().get(0).outcome(), r.toString());
        }
    }

    @Test
    void passwordTableErrorShouldDeferWithLocalDataError() {
        LookupTable broken = new LookupTable() {
            @Override
            public Optional<String> lookup(String key) {
                throw new ConfigException("hash:/etc/postfix/sasl_passwd: the index is older than the source");
            }

            @Override
            public String name() {
                return "hash:/etc/postfix/sasl_passwd";
            }
        };
        try (TlsSmtpServer server = tlsServer("PLAIN")) {
            TlsTesting.Lines log = new TlsTesting.Lines();
            Map<String, String> p = new HashMap<>(seed());
            p.put("smtp_connect_timeout", "5s");
            DeliveryReport r;
            try (SmtpClient client = new SmtpClient(Config.of(p), DnsResolver.system(), log, Clock.systemUTC(), names -> List.of(broken))) {
                r = client.deliver(Nexthop.parse(server.relayhost("localhost")), "app@example.com",
                        List.of("a@example.org"), TlsTesting.message());
            }
            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.3.0",
                    "local data error while talking to " + RELAY)), r.results());
            assertTrue(log.contains("warning: hash:/etc/postfix/sasl_passwd lookup error: "), log.toString());
        }
    }

    @Test
    void passwordTablesReadableByOthersShouldBeWarnedAbout() throws Exception {
        Path source = dir.resolve("sasl_passwd");
        java.nio.file.Files.writeString(source, "[localhost]:587 alice:" + PASSWORD + "\n");
        java.nio.file.Files.setPosixFilePermissions(source, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(0, new org.postrelay.tools.Postmap(Map.of()).run(List.of(source.toString()),
                new java.io.ByteArrayInputStream(new byte[0]), new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream())));
        Path index = org.postrelay.config.table.PrdbFile.indexOf(source);
        Map<String, String> p = new HashMap<>(seed());
        p.put("smtp_sasl_password_maps", "hash:" + source + ", texthash:" + source);

        TlsTesting.Lines log = new TlsTesting.Lines();
        new SmtpClient(Config.of(p), DnsResolver.system(), log, Clock.systemUTC(),
                org.postrelay.config.LookupTables::openAll).close();
        assertEquals(List.of(
                "warning: smtp_sasl_password_maps: hash:" + source + ": file " + source + " is readable by all users"
                        + " (mode rw-r--r--) but holds passwords: chmod 600 " + source,
                "warning: smtp_sasl_password_maps: hash:" + source + ": file " + index + " is readable by all users"
                        + " (mode rw-r--r--) but holds passwords: chmod 600 " + index,
                "warning: smtp_sasl_password_maps: texthash:" + source + ": file " + source + " is readable by all"
                        + " users (mode rw-r--r--) but holds passwords: chmod 600 " + source), log.lines);

        java.nio.file.Files.setPosixFilePermissions(source, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        java.nio.file.Files.setPosixFilePermissions(index, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        TlsTesting.Lines group = new TlsTesting.Lines();
        new SmtpClient(Config.of(Map.of("smtp_sasl_auth_enable", "yes", "smtp_sasl_password_maps", "hash:" + source)),
                DnsResolver.system(), group, Clock.systemUTC(), org.postrelay.config.LookupTables::openAll).close();
        assertEquals(List.of("warning: smtp_sasl_password_maps: hash:" + source + ": file " + source
                + " is readable by its group (mode rw-r-----) but holds passwords: chmod 600 " + source), group.lines);

        java.nio.file.Files.setPosixFilePermissions(source, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        TlsTesting.Lines quiet = new TlsTesting.Lines();
        new SmtpClient(Config.of(p), DnsResolver.system(), quiet, Clock.systemUTC(),
                org.postrelay.config.LookupTables::openAll).close();
        assertEquals(List.of(), quiet.lines);
    }

    @Test
    void authEnableWithoutPasswordMapsShouldBeAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SmtpClient(Config.of(Map.of(
                "smtp_sasl_auth_enable", "yes"))));
        assertTrue(e.getMessage().contains("smtp_sasl_password_maps"), e.getMessage());
    }

    @Test
    void passwordShouldAppearInNoLogLineResultOrProtocolTrace() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                logged.add(formatter.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Logger angus = Logger.getLogger("org.eclipse.angus.mail");
        Logger ours = Logger.getLogger("org.postrelay");
        Level angusLevel = angus.getLevel();
        Level oursLevel = ours.getLevel();
        root.addHandler(capture);
        angus.setLevel(Level.FINEST);                  // Angus's protocol trace on, as an admin debugging would
        ours.setLevel(Level.FINEST);
        List<String> results = new ArrayList<>();
        try {
            for (String mechanisms : List.of("PLAIN", "LOGIN")) {
                try (TlsSmtpServer tls = tlsServer(mechanisms); TlsSmtpServer plain = plainServer(mechanisms)) {
                    for (TlsSmtpServer server : List.of(tls, plain)) {
                        for (String password : List.of(PASSWORD, PASSWORD + "-wrong")) {
                            DeliveryReport r = deliver(seed(), Map.of("localhost", "alice:" + password), server,
                                    "a@example.org", SmtpLog.of(logged::add, logged::add));
                            results.add(r.toString());
                        }
                    }
                }
            }
        } finally {
            root.removeHandler(capture);
            angus.setLevel(angusLevel);
            ours.setLevel(oursLevel);
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains("EHLO relay-client.example.com")),
                "the protocol trace was on: " + logged.size() + " records");
        assertTrue(results.stream().anyMatch(r -> r.contains("SASL authentication failed")), results.toString());
        List<String> secrets = List.of(PASSWORD, b64(PASSWORD), b64("\0alice\0" + PASSWORD),
                PASSWORD + "-wrong", b64(PASSWORD + "-wrong"), b64("\0alice\0" + PASSWORD + "-wrong"));
        for (String text : concat(logged, results)) {
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a password leaked into: " + text);
            }
        }
    }

    @Test
    void credentialsShouldNotShowThePasswordInToString() {
        String text = new SaslPasswords.Credentials("alice", PASSWORD).toString();
        assertTrue(text.contains("alice"), text);
        assertFalse(text.contains(PASSWORD), text);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
