package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.api.RelayConnection;
import org.postrelay.config.Config;
import org.postrelay.master.Master;
import org.postrelay.testing.TestPki;
import org.postrelay.testing.TlsSmtpServer;
import org.postrelay.tools.Postmap;

/**
 * The configuration the project was created from (the seed's main.cf: smtp_use_tls, SASL with a
 * hash: password map made by postmap, a CA file, noanonymous), with a local submission server in
 * place of the provider: the message goes out over STARTTLS, logged in with the map's credentials.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeedRelayTest {

    @TempDir
    Path dir;

    @Test
    void theSeedConfigurationShouldRelayWithStartTlsAndAuth() throws Exception {
        TestPki pki = TestPki.create("Provider CA");
        Path ca = pki.writeCa(dir.resolve("ca-bundle.crt"));
        try (TlsSmtpServer provider = TlsSmtpServer.builder()
                .startTls(pki.server(List.of("localhost"), List.of()).serverContext(null))
                .auth("PLAIN LOGIN", Map.of("username@gmail.com", org.postrelay.testing.TestPasswords.APP_PASSWORD))
                .start()) {
            String relayhost = provider.relayhost("localhost");          // [localhost]:PORT, as [smtp.gmail.com]:587
            // as the seed says: vi /etc/postfix/sasl_passwd; chmod 600; postmap /etc/postfix/sasl_passwd
            Path passwords = dir.resolve("sasl_passwd");
            Files.writeString(passwords, relayhost + "    username@gmail.com:" + org.postrelay.testing.TestPasswords.APP_PASSWORD + "\n");
            Files.setPosixFilePermissions(passwords, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            ByteArrayOutputStream postmapErr = new ByteArrayOutputStream();
            assertEquals(0, new Postmap(Map.of()).run(List.of(passwords.toString()), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(postmapErr)), postmapErr.toString());

            Path conf = Files.createDirectories(dir.resolve("conf"));
            Files.writeString(conf.resolve("main.cf"), """
                    relayhost = %s
                    inet_interfaces = loopback-only
                    mynetworks = 127.0.0.0/8 [::1]/128
                    myorigin = nixation.com
                    mydestination =
                    local_transport = error: local delivery is disabled

                    smtp_use_tls = yes
                    smtp_sasl_auth_enable = yes
                    smtp_sasl_security_options =
                    smtp_sasl_password_maps = hash:%s
                    smtp_tls_CAfile = %s
                    smtp_sasl_security_options = noanonymous
                    smtp_sasl_tls_security_options = noanonymous

                    queue_directory = %s
                    maillog_file = %s
                    smtp_tls_loglevel = 1
                    """.formatted(relayhost, passwords, ca, dir.resolve("spool"), dir.resolve("maillog")));
            try (Master master = Master.start(Config.load(conf, Map.of()));
                 RelayConnection connection = master.connectionFactory().getConnection()) {
                connection.send("webapp", List.of("customer@example.org"), new ByteArrayInputStream(
                        "Subject: your order\r\n\r\nshipped\r\n".getBytes(StandardCharsets.US_ASCII)));
                TlsSmtpServer.Received received = provider.awaitMessageTo("customer@example.org", Duration.ofSeconds(30));
                assertTrue(received.tls(), "the message went over STARTTLS");
                assertEquals("username@gmail.com", received.user(), "logged in with the map's credentials");
                assertEquals("webapp@nixation.com", received.sender(), "myorigin qualified the sender");
            }
            String maillog = Files.readString(dir.resolve("maillog"));
            assertTrue(maillog.contains("Trusted TLS connection established to localhost[127.0.0.1]:" + provider.port()), maillog);
            assertTrue(maillog.contains("status=sent"), maillog);
            assertFalse(maillog.contains(org.postrelay.testing.TestPasswords.APP_PASSWORD), "the password never reaches the log");
        }
    }
}
