package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.smtp.TlsPolicy.Level;
import org.postrelay.testing.TestPki;

/** TLS settings as Postfix reads them: the level and its legacy spellings, protocol lists, cipher grades, files. */
class TlsPolicyTest {

    @TempDir
    Path dir;

    private static Level level(String... keyValues) {
        Map<String, String> p = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return TlsPolicy.level(Config.of(p));
    }

    @Test
    void levelShouldFollowTheLegacyParametersOnlyWhenEmpty() {
        assertEquals(Level.NONE, level());
        assertEquals(Level.MAY, level("smtp_use_tls", "yes"));
        assertEquals(Level.VERIFY, level("smtp_enforce_tls", "yes"));
        assertEquals(Level.VERIFY, level("smtp_enforce_tls", "yes", "smtp_use_tls", "yes"));
        assertEquals(Level.ENCRYPT, level("smtp_enforce_tls", "yes", "smtp_tls_enforce_peername", "no"));
        assertEquals(Level.NONE, level("smtp_tls_enforce_peername", "no"));
        assertEquals(Level.NONE, level("smtp_tls_security_level", "none", "smtp_enforce_tls", "yes"));
        assertEquals(Level.SECURE, level("smtp_tls_security_level", "secure", "smtp_use_tls", "no"));
        assertEquals(Level.ENCRYPT, level("smtp_tls_security_level", "encrypt"));
    }

    @Test
    void unsupportedLevelShouldBeAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> level("smtp_tls_security_level", "dane"));
        assertTrue(e.getMessage().contains("smtp_tls_security_level = \"dane\""), e.getMessage());
    }

    @Test
    void wrapperModeBelowEncryptShouldBeAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> TlsPolicy.from(Config.of(Map.of(
                "smtp_tls_wrappermode", "yes", "smtp_tls_security_level", "may"))));
        assertTrue(e.getMessage().contains("smtp_tls_wrappermode = yes requires smtp_tls_security_level = encrypt"),
                e.getMessage());
    }

    @Test
    void protocolListsShouldReadBothPostfixSyntaxes() {
        assertEquals(List.of(), TlsProtocols.parse("p", ""));
        assertEquals(List.of("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), TlsProtocols.parse("p", "!SSLv2"));
        assertEquals(List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), TlsProtocols.parse("p", ">=TLSv1"));
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), TlsProtocols.parse("p", ">=TLSv1.2, <=TLSv1.3"));
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), TlsProtocols.parse("p", ">=0x0303"));
        assertEquals(List.of("TLSv1.2"), TlsProtocols.parse("p", ">=303 <=0303"));
        assertEquals(List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), TlsProtocols.parse("p", "!SSLv2, !SSLv3"));
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), TlsProtocols.parse("p", "!SSLv2:!SSLv3:!TLSv1:!TLSv1.1"));
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), TlsProtocols.parse("p", "TLSv1.2 TLSv1.3"));
        // as OpenSSL: disabling a higher version cuts off everything above it
        assertEquals(List.of("TLSv1"), TlsProtocols.parse("p", "!SSLv2, !SSLv3, !TLSv1.1"));
    }

    @Test
    void badProtocolListsShouldBeConfigErrors() {
        for (String bad : List.of("TLSv9", ">=TLSv1.4x", "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.2, !TLSv1.3")) {
            ConfigException e = assertThrows(ConfigException.class, () -> TlsProtocols.parse("smtp_tls_protocols", bad));
            assertTrue(e.getMessage().startsWith("smtp_tls_protocols = \"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void cipherGradesShouldDropWhatOpenSslsGradeLeavesOut() {
        String[] jvm = {"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "SSL_RSA_WITH_3DES_EDE_CBC_SHA",
                "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "SSL_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_NULL_SHA256",
                "SSL_RSA_WITH_DES_CBC_SHA", "SSL_RSA_EXPORT_WITH_RC4_40_MD5"};
        assertArrayEquals(new String[] {"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
                CipherGrade.HIGH.suites(jvm));
        assertArrayEquals(new String[] {"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                "SSL_RSA_WITH_3DES_EDE_CBC_SHA", "SSL_RSA_WITH_RC4_128_SHA"}, CipherGrade.MEDIUM.suites(jvm));
        assertEquals(CipherGrade.HIGH, CipherGrade.parse("smtp_tls_mandatory_ciphers", "High"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> CipherGrade.parse("smtp_tls_mandatory_ciphers", "null"));
        assertTrue(e.getMessage().contains("NULL"), e.getMessage());
    }

    @Test
    void matchNamesShouldResolvePostfixStrategies() {
        TlsPolicy p = TlsPolicy.from(Config.of(Map.of("smtp_tls_verify_cert_match", "hostname:nexthop, .example.net",
                "smtp_tls_security_level", "verify")));
        assertEquals(List.of("mx1.example.com", "example.com", ".example.net"),
                p.matchNames(Level.VERIFY, "example.com", "mx1.example.com"));
        assertEquals(List.of("example.com", ".example.com"), p.matchNames(Level.SECURE, "example.com", "mx1.example.com"));
    }

    @Test
    void certificateNamesShouldMatchAsOpenSslDoesForPostfix() {
        assertTrue(PeerNames.matches("mail.example.com", "mail.example.com"));
        assertTrue(PeerNames.matches("*.example.com", "mail.example.com"));
        assertFalse(PeerNames.matches("*.example.com", "a.mail.example.com"));
        assertFalse(PeerNames.matches("*.example.com", "example.com"));
        assertFalse(PeerNames.matches("*.com", "example.com"), "no wildcard over the last two labels");
        assertFalse(PeerNames.matches("m*.example.com", "mail.example.com"), "no partial-label wildcards");
        assertTrue(PeerNames.matches("a.mail.example.com", ".example.com"));
        assertFalse(PeerNames.matches("example.com", ".example.com"));
        assertFalse(PeerNames.matches("badexample.com", ".example.com"));
        TestPki pki = TestPki.create("Names CA");
        var cert = pki.server(List.of("Mail.Example.COM", "smtp.example.net"), List.of()).certificate();
        assertTrue(PeerNames.matches(cert, List.of("mail.example.com.")));
        assertTrue(PeerNames.matches(cert, List.of("nothing.example", ".example.net")));
        assertFalse(PeerNames.matches(cert, List.of("mail.example.org")));
    }

    @Test
    void traditionalOrEncryptedKeysShouldBeConfigErrorsSayingHowToConvert() throws Exception {
        TestPki pki = TestPki.create("Keys CA");
        TestPki.Issued client = pki.client("client.example.com");
        Path cert = client.writeChain(dir.resolve("cert.pem"));
        Path pkcs8 = client.writeKey(dir.resolve("key.pem"));
        assertTrue(ClientCertificate.load(cert.toString(), pkcs8.toString()).toString().contains("client.example.com"));

        Path traditional = dir.resolve("ec.pem");
        Files.writeString(traditional, TestPki.pem("EC PRIVATE KEY", new byte[] {48, 0}));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClientCertificate.load(cert.toString(), traditional.toString()));
        assertTrue(e.getMessage().startsWith("smtp_tls_key_file = " + traditional), e.getMessage());
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + traditional), e.getMessage());

        Path encrypted = dir.resolve("enc.pem");
        Files.writeString(encrypted, TestPki.pem("ENCRYPTED PRIVATE KEY", new byte[] {48, 0}));
        e = assertThrows(ConfigException.class, () -> ClientCertificate.load(cert.toString(), encrypted.toString()));
        assertTrue(e.getMessage().contains("pass-phrase"), e.getMessage());

        Path otherKey = pki.client("other.example.com").writeKey(dir.resolve("other-key.pem"));
        e = assertThrows(ConfigException.class, () -> ClientCertificate.load(cert.toString(), otherKey.toString()));
        assertTrue(e.getMessage().contains("does not belong to the first certificate"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> ClientCertificate.load(dir.resolve("missing.pem").toString(),
                pkcs8.toString()));
        assertTrue(e.getMessage().startsWith("smtp_tls_cert_file = "), e.getMessage());
    }

    @Test
    void caPathShouldTrustEveryPemCertificateInTheDirectoryAndSkipTheRest() throws Exception {
        TestPki pki = TestPki.create("Path CA");
        Path caDir = Files.createDirectory(dir.resolve("certs"));
        pki.writeCa(caDir.resolve("path-ca.pem"));
        Files.writeString(caDir.resolve("README"), "not a certificate\n");
        Files.writeString(caDir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        var trust = TrustedCas.load("", caDir.toString());
        var chain = pki.server(List.of("mail.example.com"), List.of()).chain()
                .toArray(new java.security.cert.X509Certificate[0]);
        trust.checkServerTrusted(chain, "UNKNOWN");
        var stranger = TestPki.create("Stranger CA").server(List.of("mail.example.com"), List.of()).chain()
                .toArray(new java.security.cert.X509Certificate[0]);
        assertThrows(java.security.cert.CertificateException.class, () -> trust.checkServerTrusted(stranger, "UNKNOWN"));
    }

    @Test
    void unreadableCaFileShouldFailWhenTheClientIsMade() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SmtpClient(Config.of(Map.of(
                "smtp_tls_security_level", "may", "smtp_tls_CAfile", dir.resolve("none.pem").toString()))));
        assertTrue(e.getMessage().startsWith("smtp_tls_CAfile = "), e.getMessage());
        // at level none no TLS file is read, as Postfix does not initialise TLS then
        new SmtpClient(Config.of(Map.of("smtp_tls_CAfile", dir.resolve("none.pem").toString()))).close();
    }
}
