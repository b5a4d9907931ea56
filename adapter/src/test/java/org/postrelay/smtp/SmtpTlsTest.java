package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.testing.TestPki;
import org.postrelay.testing.TlsSmtpServer;
import org.postrelay.testing.TlsSmtpServer.StartTlsMode;

/** The TLS client against real TLS servers on loopback: logging, wrapper mode, client certificates, failures, timeouts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmtpTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RELAY = "localhost[127.0.0.1]";

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Path caFile;

    @BeforeAll
    static void makeCa() {
        pki = TestPki.create("Postrelay Test CA");
        caFile = pki.writeCa(dir.resolve("ca.pem"));
    }

    private static TlsSmtpServer.Builder validServer() {
        return TlsSmtpServer.builder().startTls(pki.server(List.of("localhost"), List.of()).serverContext(pki));
    }

    private static Map<String, String> with(String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("smtp_tls_CAfile", caFile.toString());
        p.put("smtp_tls_loglevel", "1");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static DeliveryReport deliver(SmtpClient client, TlsSmtpServer server, String rcpt, MessageSource m) {
        return client.deliver(Nexthop.parse(server.relayhost("localhost")), "app@example.com", List.of(rcpt), m);
    }

    /** A message that entered the queue {@code age} ago. */
    private static MessageSource queuedFor(Duration age) {
        byte[] bytes = TlsTesting.MESSAGE.getBytes(StandardCharsets.US_ASCII);
        MessageSource inner = MessageSource.of(bytes);
        Instant arrival = Instant.now().minus(age);
        return new MessageSource() {
            @Override
            public InputStream open() throws java.io.IOException {
                return inner.open();
            }

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public Optional<Instant> arrivalTime() {
                return Optional.of(arrival);
            }
        };
    }

    @Test
    void summaryLineShouldNameTrustProtocolAndCipherAtLoglevelOne() {
        try (TlsSmtpServer server = validServer().start()) {
            TlsTesting.Lines log = new TlsTesting.Lines();
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "verify"), log, Map.of())) {
                assertEquals(Outcome.SENT, deliver(client, server, "a@example.org", TlsTesting.message())
                        .results().get(0).outcome());
            }
            Pattern summary = Pattern.compile("Verified TLS connection established to " + Pattern.quote(RELAY) + ":"
                    + server.port() + ": TLSv1\\.[23] with cipher TLS_\\w+ \\((128|256)/(128|256) bits\\)");
            assertTrue(log.lines.stream().anyMatch(l -> summary.matcher(l).matches()), log.toString());

            TlsTesting.Lines quiet = new TlsTesting.Lines();
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "verify",
                    "smtp_tls_loglevel", "0"), quiet, Map.of())) {
                deliver(client, server, "b@example.org", TlsTesting.message());
            }
            assertTrue(server.awaitMessageTo("b@example.org", WAIT).tls());
            assertEquals(List.of(), quiet.lines, "smtp_tls_loglevel = 0 logs no TLS activity");
        }
    }

    @Test
    void verifyShouldLogWhyTheCertificateWasNotVerified() {
        TestPki otherCa = TestPki.create("Other CA");
        Map<String, TlsSmtpServer.Builder> servers = Map.of(
                "certificate verification failed for %s: self-signed certificate",
                TlsSmtpServer.builder().startTls(TestPki.selfSigned(List.of("localhost")).serverContext(null)),
                "server certificate verification failed for %s: num=62:hostname mismatch",
                TlsSmtpServer.builder().startTls(pki.server(List.of("mx.example.net"), List.of()).serverContext(null)),
                "certificate verification failed for %s: untrusted issuer /CN=Other CA/O=Postrelay tests",
                TlsSmtpServer.builder().startTls(otherCa.server(List.of("localhost"), List.of()).serverContext(null)),
                "server certificate verification failed for %s: certificate has expired",
                TlsSmtpServer.builder().startTls(pki.expiredServer(List.of("localhost")).serverContext(null)));
        servers.forEach((line, builder) -> {
            try (TlsSmtpServer server = builder.start()) {
                TlsTesting.Lines log = new TlsTesting.Lines();
                DeliveryReport r;
                try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "verify"), log, Map.of())) {
                    r = deliver(client, server, "a@example.org", TlsTesting.message());
                }
                assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.5",
                        "Server certificate not verified")), r.results());
                assertTrue(r.siteFailure());
                assertEquals(RELAY + ":" + server.port(), r.relay());
                assertTrue(log.contains(String.format(line, RELAY + ":" + server.port())), line + "\n" + log);
                assertTrue(log.contains("Untrusted TLS connection established to " + RELAY), log.toString());
                assertFalse(server.received("a@example.org"));
            }
        });
    }

    @Test
    void verifyCertMatchShouldAcceptAnotherNameWhenListed() {
        try (TlsSmtpServer server = TlsSmtpServer.builder()
                .startTls(pki.server(List.of("*.mail.example.net"), List.of()).serverContext(null)).start()) {
            TlsTesting.Lines log = new TlsTesting.Lines();
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "verify",
                    "smtp_tls_verify_cert_match", "hostname, mx1.mail.example.net"), log, Map.of())) {
                assertEquals(Outcome.SENT, deliver(client, server, "a@example.org", TlsTesting.message())
                        .results().get(0).outcome(), log.toString());
            }
            assertEquals("Verified", log.trust());
        }
    }

    @Test
    void wrapperModeShouldSpeakTlsFromTheFirstByte() {
        try (TlsSmtpServer server = TlsSmtpServer.builder()
                .wrapper(pki.server(List.of("localhost"), List.of()).serverContext(null)).start()) {
            for (String level : List.of("encrypt", "verify")) {
                TlsTesting.Lines log = new TlsTesting.Lines();
                String rcpt = level + "@example.org";
                try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", level,
                        "smtp_tls_wrappermode", "yes"), log, Map.of())) {
                    DeliveryReport r = deliver(client, server, rcpt, TlsTesting.message());
                    assertEquals(Outcome.SENT, r.results().get(0).outcome(), r + "\n" + log);
                }
                assertTrue(server.awaitMessageTo(rcpt, WAIT).tls());
                assertEquals(level.equals("verify") ? "Verified" : "Trusted", log.trust());
            }
        }
    }

    @Test
    void wrapperModeAgainstAPlainServerShouldDeferWithAHandshakeFailure() {
        try (TlsSmtpServer server = TlsSmtpServer.builder().start()) {
            TlsTesting.Lines log = new TlsTesting.Lines();
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "encrypt",
                    "smtp_tls_wrappermode", "yes", "smtp_starttls_timeout", "2s"), log, Map.of())) {
                r = deliver(client, server, "a@example.org", TlsTesting.message());
            }
            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.5",
                    "Cannot start TLS: handshake failure")), r.results());
            assertTrue(r.siteFailure());
            assertTrue(log.contains("SSL_connect error to " + RELAY + ":" + server.port()), log.toString());
        }
    }

    @Test
    void clientCertificateShouldBePresentedOnlyWhenConfigured() {
        TestPki.Issued clientCert = pki.client("relay-client.example.com");
        Path certFile = clientCert.writeChain(dir.resolve("client-chain.pem"));
        Path keyFile = clientCert.writeKey(dir.resolve("client-key.pem"));
        try (TlsSmtpServer server = validServer().wantClientCertificate().start()) {
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "encrypt",
                    "smtp_tls_cert_file", certFile.toString(), "smtp_tls_key_file", keyFile.toString()),
                    new TlsTesting.Lines(), Map.of())) {
                assertEquals(Outcome.SENT, deliver(client, server, "a@example.org", TlsTesting.message())
                        .results().get(0).outcome());
            }
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "encrypt"),
                    new TlsTesting.Lines(), Map.of())) {
                assertEquals(Outcome.SENT, deliver(client, server, "b@example.org", TlsTesting.message())
                        .results().get(0).outcome());
            }
            List<List<java.security.cert.X509Certificate>> presented = server.clientCertificates();
            assertEquals(2, presented.size(), presented.toString());
            assertEquals(clientCert.certificate(), presented.get(0).get(0));
            assertEquals(List.of(), presented.get(1));
        }
    }

    @Test
    void keyAndCertificateInOneFileShouldServeAsBoth() {
        TestPki.Issued clientCert = pki.client("relay-client.example.com");
        Path combined = dir.resolve("combined.pem");
        clientCert.writeKey(combined);
        String key = readString(combined);
        clientCert.writeChain(combined);
        writeString(combined, key + readString(combined));
        try (TlsSmtpServer server = validServer().wantClientCertificate().start();
             SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "encrypt",
                     "smtp_tls_cert_file", combined.toString()), new TlsTesting.Lines(), Map.of())) {
            assertEquals(Outcome.SENT, deliver(client, server, "a@example.org", TlsTesting.message())
                    .results().get(0).outcome());
            assertEquals(clientCert.certificate(), server.clientCertificates().get(0).get(0));
        }
    }

    @Test
    void handshakeFailureAtMayShouldDeferAFirstAttemptWithoutThrottling() {
        try (TlsSmtpServer server = validServer().protocols("TLSv1.2").start()) {
            TlsTesting.Lines log = new TlsTesting.Lines();
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "may",
                    "smtp_tls_protocols", ">=TLSv1.3"), log, Map.of())) {
                r = deliver(client, server, "a@example.org", TlsTesting.message());
            }
            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.5",
                    "Cannot start TLS: handshake failure")), r.results());
            assertFalse(r.siteFailure(), "at may a handshake failure does not throttle the destination");
            assertTrue(log.contains("SSL_connect error to " + RELAY + ":" + server.port()), log.toString());
            assertEquals(1, server.connections());
            assertFalse(server.received("a@example.org"));
        }
    }

    @Test
    void handshakeFailureAtMayShouldBeRetriedInClearTextForAMessageThatAlreadyWaited() {
        try (TlsSmtpServer server = validServer().protocols("TLSv1.2").start()) {
            TlsTesting.Lines log = new TlsTesting.Lines();
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "may",
                    "smtp_tls_protocols", ">=TLSv1.3", "minimal_backoff_time", "300s"), log, Map.of())) {
                r = deliver(client, server, "a@example.org", queuedFor(Duration.ofSeconds(301)));
            }
            assertEquals(Outcome.SENT, r.results().get(0).outcome(), r + "\n" + log);
            assertFalse(server.awaitMessageTo("a@example.org", WAIT).tls());
            assertEquals(2, server.connections(), "one failed handshake, one clear-text session");
            assertTrue(log.contains("trying again without TLS"), log.toString());
        }
    }

    @Test
    void handshakeFailureAtMayShouldNotBeRetriedInClearTextWhenSaslCredentialsExist() {
        try (TlsSmtpServer server = validServer().protocols("TLSv1.2")
                .auth("PLAIN LOGIN", Map.of("alice", org.postrelay.testing.TestPasswords.SHORT)).start()) {
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "may",
                    "smtp_tls_protocols", ">=TLSv1.3", "smtp_sasl_auth_enable", "yes",
                    "smtp_sasl_password_maps", "texthash:/etc/postfix/sasl_passwd"),
                    new TlsTesting.Lines(), Map.of("localhost", "alice:" + org.postrelay.testing.TestPasswords.SHORT))) {
                r = deliver(client, server, "a@example.org", queuedFor(Duration.ofHours(1)));
            }
            assertEquals(Outcome.DEFERRED, r.results().get(0).outcome());
            assertEquals("Cannot start TLS: handshake failure", r.results().get(0).reply());
            assertEquals(1, server.connections());
        }
    }

    @Test
    void handshakeFailureAtEncryptShouldDeferAndThrottle() {
        try (TlsSmtpServer server = validServer().protocols("TLSv1.2").start()) {
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "encrypt",
                    "smtp_tls_mandatory_protocols", "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.2"),
                    new TlsTesting.Lines(), Map.of())) {
                r = deliver(client, server, "a@example.org", queuedFor(Duration.ofHours(1)));
            }
            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.5",
                    "Cannot start TLS: handshake failure")), r.results());
            assertTrue(r.siteFailure());
            assertEquals(1, server.connections());
        }
    }

    /** Above may, a failed handshake never turns into a clear-text retry, however long the message waited. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"encrypt", "verify", "secure"})
    void handshakeFailureAboveMayShouldNeverFallBackToClearText(String level) {
        try (TlsSmtpServer server = validServer().protocols("TLSv1.2").start()) {
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", level,
                    "smtp_tls_mandatory_protocols", "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.2",
                    "minimal_backoff_time", "300s"), new TlsTesting.Lines(), Map.of())) {
                r = deliver(client, server, "a@example.org", queuedFor(Duration.ofDays(1)));
            }
            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.5",
                    "Cannot start TLS: handshake failure")), r.results());
            assertTrue(r.siteFailure());
            assertEquals(1, server.connections(), "no second, clear-text session");
            assertTrue(server.messages().isEmpty(), "nothing reached the server: " + server.messages());
        }
    }

    @Test
    void refusedStartTlsAtMayShouldGoOnInClearText() {
        try (TlsSmtpServer server = TlsSmtpServer.builder().startTls(StartTlsMode.REFUSE).start()) {
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "may"),
                    new TlsTesting.Lines(), Map.of())) {
                r = deliver(client, server, "a@example.org", TlsTesting.message());
            }
            assertEquals(Outcome.SENT, r.results().get(0).outcome(), r.toString());
            assertFalse(server.awaitMessageTo("a@example.org", WAIT).tls());
            assertEquals(1, server.connections());
        }
    }

    @Test
    void refusedStartTlsAtEncryptShouldDeferWithTheServersReply() {
        try (TlsSmtpServer server = TlsSmtpServer.builder().startTls(StartTlsMode.REFUSE).start()) {
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "encrypt"),
                    new TlsTesting.Lines(), Map.of())) {
                r = deliver(client, server, "a@example.org", TlsTesting.message());
            }
            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.0",
                    "TLS is required, but host " + RELAY + " refused to start TLS: 454 4.7.0 TLS not available due to"
                            + " local problem", "454 4.7.0 TLS not available due to local problem")), r.results());
            assertTrue(r.siteFailure());
            assertFalse(server.received("a@example.org"));
        }
    }

    @Test
    void silentServerAfterStartTlsShouldTimeOutAfterStarttlsTimeout() {
        try (TlsSmtpServer server = TlsSmtpServer.builder().startTls(StartTlsMode.SILENT).start()) {
            TlsTesting.Lines log = new TlsTesting.Lines();
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "encrypt",
                    "smtp_starttls_timeout", "1s"), log, Map.of())) {
                r = deliver(client, server, "a@example.org", TlsTesting.message());
            }
            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.5",
                    "Cannot start TLS: handshake failure")), r.results());
            assertTrue(log.contains("SSL_connect error to " + RELAY + ":" + server.port() + ": Connection timed out"),
                    log.toString());
        }
    }

    @Test
    void stageAndTimeoutsShouldBeTrackedAboveTls() {
        try (TlsSmtpServer server = validServer().start()) {
            DeliveryReport r;
            try (SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "verify",
                    "smtp_data_done_timeout", "1s"), new TlsTesting.Lines(), Map.of())) {
                server.stallAfterData(Duration.ofSeconds(20));
                r = deliver(client, server, "a@example.org", TlsTesting.message());
                assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.4.2",
                        "conversation with " + RELAY + " timed out while sending end of data -- message may be sent"
                                + " more than once")), r.results());
                assertTrue(r.siteFailure());
                assertTrue(server.awaitMessageTo("a@example.org", WAIT).tls());

                // the other replies kept their own (long) timeouts over TLS
                server.stallAfterData(Duration.ZERO);
                assertEquals(Outcome.SENT, deliver(client, server, "b@example.org", TlsTesting.message())
                        .results().get(0).outcome());
            }
        }
    }

    @Test
    void tlsSessionShouldBeReusedFromTheConnectionCache() {
        try (TlsSmtpServer server = validServer().start();
             SmtpClient client = TlsTesting.client(with("smtp_tls_security_level", "verify"), new TlsTesting.Lines(),
                     Map.of())) {
            for (String rcpt : List.of("a@example.org", "b@example.org", "c@example.org")) {
                assertEquals(Outcome.SENT, deliver(client, server, rcpt, TlsTesting.message()).results().get(0).outcome());
                assertTrue(server.awaitMessageTo(rcpt, WAIT).tls());
            }
            assertEquals(1, server.connections());
        }
    }

    private static String readString(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void writeString(Path p, String s) {
        try {
            java.nio.file.Files.writeString(p, s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
