package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.api.RelayConnection;
import org.postrelay.master.Master;
import org.postrelay.testing.TestPki;
import org.postrelay.testing.TlsSmtpServer;

/** The whole engine with the legacy smtp_use_tls: the message goes over STARTTLS and the maillog says so. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsEngineTest {

    @TempDir
    Path dir;

    @Test
    void engineShouldRelayOverStartTlsAndLogTheSessionInTheMaillog() throws Exception {
        TestPki pki = TestPki.create("Engine CA");
        Path ca = pki.writeCa(dir.resolve("ca.pem"));
        Path maillog = dir.resolve("maillog");
        try (TlsSmtpServer server = TlsSmtpServer.builder()
                .startTls(pki.server(List.of("localhost"), List.of()).serverContext(null)).start();
             Master master = Master.start(Map.of(
                     "relayhost", server.relayhost("localhost"),
                     "myhostname", "relay-client.example.com",
                     "myorigin", "example.com",
                     "queue_directory", dir.resolve("spool").toString(),
                     "maillog_file", maillog.toString(),
                     "smtp_use_tls", "yes",
                     "smtp_tls_CAfile", ca.toString(),
                     "smtp_tls_loglevel", "1"))) {
            try (RelayConnection c = master.connectionFactory().getConnection()) {
                c.send("app@example.com", List.of("someone@example.org"),
                        new ByteArrayInputStream(TlsTesting.MESSAGE.getBytes(StandardCharsets.US_ASCII)));
            }
            assertTrue(server.awaitMessageTo("someone@example.org", Duration.ofSeconds(20)).tls());
            Pattern tlsLine = Pattern.compile(".* relay-client\\.example\\.com postrelay/smtp\\[\\d+\\]: Trusted TLS"
                    + " connection established to localhost\\[127\\.0\\.0\\.1\\]:" + server.port()
                    + ": TLSv1\\.[23] with cipher \\S+ \\(\\d+/\\d+ bits\\)");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<String> lines = List.of();
            while (System.nanoTime() < deadline) {
                lines = read(maillog);
                if (lines.stream().anyMatch(l -> l.contains("status=sent"))) {
                    break;
                }
                Thread.sleep(20);                           // polls the maillog until the line is there
            }
            assertTrue(lines.stream().anyMatch(l -> tlsLine.matcher(l).matches()), String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.contains("status=sent")), String.join("\n", lines));
            assertFalse(lines.stream().anyMatch(l -> l.contains("warning:")), String.join("\n", lines));
        }
    }

    private static List<String> read(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
