package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postrelay.testing.TestPki;
import org.postrelay.testing.TlsSmtpServer;

/**
 * Each smtp_tls_security_level against four real servers on loopback, relayhost [localhost]:port with
 * the test CA in smtp_tls_CAfile: (a) no STARTTLS, (b) a self-signed certificate, (c) a certificate
 * from the trusted CA for another name, (d) a valid certificate for localhost. The expectations are
 * Postfix's documented behaviour; the outcome table is printed for the docs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsSecurityLevelMatrixTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    enum Peer {
        NO_STARTTLS("(a) no STARTTLS"), SELF_SIGNED("(b) self-signed"), OTHER_NAME("(c) other name"),
        VALID("(d) valid");

        final String title;

        Peer(String title) {
            this.title = title;
        }
    }

    /** What must happen: outcome and dsn, whether the message went over TLS, the logged trust word ("-": no TLS line). */
    record Expected(Outcome outcome, String dsn, boolean tls, String trust) {
        String cell() {
            String what = outcome == Outcome.SENT ? "sent, " + (tls ? "TLS" : "plaintext") : "deferred " + dsn;
            return trust.equals("-") ? what : what + " (" + trust + ")";
        }
    }

    @TempDir
    static Path dir;

    private static final Map<Peer, TlsSmtpServer> SERVERS = new EnumMap<>(Peer.class);
    private static final Map<String, Map<Peer, String>> TABLE = new TreeMap<>();
    private static Path caFile;

    @BeforeAll
    static void startServers() {
        TestPki pki = TestPki.create("Postrelay Test CA");
        caFile = pki.writeCa(dir.resolve("ca.pem"));
        SERVERS.put(Peer.NO_STARTTLS, TlsSmtpServer.builder().start());
        SERVERS.put(Peer.SELF_SIGNED, TlsSmtpServer.builder()
                .startTls(TestPki.selfSigned(List.of("localhost")).serverContext(null)).start());
        SERVERS.put(Peer.OTHER_NAME, TlsSmtpServer.builder()
                .startTls(pki.server(List.of("other.example.net"), List.of()).serverContext(null)).start());
        SERVERS.put(Peer.VALID, TlsSmtpServer.builder()
                .startTls(pki.server(List.of("localhost"), List.of(TestPki.loopback())).serverContext(null)).start());
    }

    @AfterAll
    static void stopServersAndPrintTable() {
        SERVERS.values().forEach(TlsSmtpServer::close);
        List<String> rows = new ArrayList<>();
        StringBuilder head = new StringBuilder("| smtp_tls_security_level |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (Peer p : Peer.values()) {
            head.append(' ').append(p.title).append(" |");
            rule.append(" --- |");
        }
        rows.add(head.toString());
        rows.add(rule.toString());
        for (String level : List.of("none", "may", "encrypt", "verify", "secure")) {
            StringBuilder row = new StringBuilder("| " + level + " |");
            Map<Peer, String> cells = TABLE.getOrDefault(level, Map.of());
            for (Peer p : Peer.values()) {
                row.append(' ').append(cells.getOrDefault(p, "?")).append(" |");
            }
            rows.add(row.toString());
        }
        System.out.println("TLS security level outcomes (relayhost [localhost]:port, smtp_tls_CAfile = test CA):");
        rows.forEach(System.out::println);
    }

    static Stream<Arguments> cases() {
        Expected plain = new Expected(Outcome.SENT, "2.0.0", false, "-");
        Expected notOffered = new Expected(Outcome.DEFERRED, "4.7.4", false, "-");
        Expected untrustedSent = new Expected(Outcome.SENT, "2.0.0", true, "Untrusted");
        Expected trustedSent = new Expected(Outcome.SENT, "2.0.0", true, "Trusted");
        Expected verifiedSent = new Expected(Outcome.SENT, "2.0.0", true, "Verified");
        Expected notVerified = new Expected(Outcome.DEFERRED, "4.7.5", false, "Untrusted");
        return Stream.of(
                Arguments.of("none", Peer.NO_STARTTLS, plain),
                Arguments.of("none", Peer.SELF_SIGNED, plain),
                Arguments.of("none", Peer.OTHER_NAME, plain),
                Arguments.of("none", Peer.VALID, plain),
                Arguments.of("may", Peer.NO_STARTTLS, plain),
                Arguments.of("may", Peer.SELF_SIGNED, untrustedSent),
                Arguments.of("may", Peer.OTHER_NAME, trustedSent),
                Arguments.of("may", Peer.VALID, trustedSent),
                Arguments.of("encrypt", Peer.NO_STARTTLS, notOffered),
                Arguments.of("encrypt", Peer.SELF_SIGNED, untrustedSent),
                Arguments.of("encrypt", Peer.OTHER_NAME, trustedSent),
                Arguments.of("encrypt", Peer.VALID, trustedSent),
                Arguments.of("verify", Peer.NO_STARTTLS, notOffered),
                Arguments.of("verify", Peer.SELF_SIGNED, notVerified),
                Arguments.of("verify", Peer.OTHER_NAME, notVerified),
                Arguments.of("verify", Peer.VALID, verifiedSent),
                Arguments.of("secure", Peer.NO_STARTTLS, notOffered),
                Arguments.of("secure", Peer.SELF_SIGNED, notVerified),
                Arguments.of("secure", Peer.OTHER_NAME, notVerified),
                Arguments.of("secure", Peer.VALID, verifiedSent));
    }

    @ParameterizedTest(name = "{0} against {1}")
    @MethodSource("cases")
    void levelShouldTreatTheServerAsPostfixDoes(String level, Peer peer, Expected expected) {
        TlsSmtpServer server = SERVERS.get(peer);
        TlsTesting.Lines log = new TlsTesting.Lines();
        String rcpt = level + "-" + peer.name().toLowerCase(Locale.ROOT) + "@example.org";
        RecipientResult result;
        try (SmtpClient client = TlsTesting.client(Map.of("smtp_tls_security_level", level,
                "smtp_tls_CAfile", caFile.toString(), "smtp_tls_loglevel", "1"), log, Map.of())) {
            DeliveryReport report = client.deliver(Nexthop.parse(server.relayhost("localhost")), "app@example.com",
                    List.of(rcpt), TlsTesting.message());
            result = report.results().get(0);
        }
        boolean arrived = server.received(rcpt);
        boolean tls = arrived && server.awaitMessageTo(rcpt, WAIT).tls();
        Expected actual = new Expected(result.outcome(), result.dsn(), tls, log.trust());
        synchronized (TABLE) {
            TABLE.computeIfAbsent(level, k -> new EnumMap<>(Peer.class)).put(peer, actual.cell());
        }
        assertEquals(expected, actual, result + "\nlog:\n" + log);
        assertEquals(expected.outcome() == Outcome.SENT, arrived, "arrived at the server: " + result);
        String relay = "localhost[127.0.0.1]";
        switch (expected.dsn()) {
            case "4.7.4" -> assertEquals("TLS is required, but was not offered by host " + relay, result.reply());
            case "4.7.5" -> assertEquals("Server certificate not verified", result.reply());
            default -> assertEquals("250 2.0.0 Ok: queued", result.reply());
        }
    }
}
