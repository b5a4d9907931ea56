package org.postrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time (EC P-256, BouncyCastle): issues server certificates for
 * given names and client certificates, makes self-signed ones, and writes them as PEM files the way
 * an admin would hand them to Postfix (certificate chain, PKCS#8 key, CA file).
 */
public final class TestPki {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A certificate with its key and the chain to present (the certificate first, then its issuer). */
    public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {

        /** An SSLContext serving this certificate, trusting {@code trusted} for client certificates (may be null). */
        public SSLContext serverContext(TestPki trusted) {
            try {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("key", key, new char[0], chain.toArray(new X509Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
                TrustManagerFactory tmf = null;
                if (trusted != null) {
                    KeyStore cas = KeyStore.getInstance("PKCS12");
                    cas.load(null, null);
                    cas.setCertificateEntry("ca", trusted.ca);
                    tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(cas);
                }
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), new SecureRandom());
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The chain as PEM certificates, as smtp_tls_cert_file holds it. */
        public Path writeChain(Path file) {
            StringBuilder pem = new StringBuilder();
            for (X509Certificate c : chain) {
                pem.append(pem("CERTIFICATE", encoded(c)));
            }
            return write(file, pem.toString());
        }

        /** The key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
        public Path writeKey(Path file) {
            return write(file, pem("PRIVATE KEY", key.getEncoded()));
        }
    }

    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TestPki(KeyPair caKeys, X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    /** A new CA whose certificate says {@code "CN=" + name + ",O=Postrelay tests"}. */
    public static TestPki create(String name) {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name + ",O=Postrelay tests");
        X509Certificate ca = sign(subject, keys, subject, keys.getPrivate(), builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }, Instant.now().plus(Duration.ofDays(2)));
        return new TestPki(keys, ca);
    }

    public X509Certificate certificate() {
        return ca;
    }

    /** Writes the CA certificate as PEM, as smtp_tls_CAfile holds it. */
    public Path writeCa(Path file) {
        return write(file, pem("CERTIFICATE", encoded(ca)));
    }

    /** A server certificate for these DNS names (the first is the CN) and IP addresses. */
    public Issued server(List<String> dnsNames, List<String> ipAddresses) {
        return issue(dnsNames, ipAddresses, KeyPurposeId.id_kp_serverAuth, Instant.now().plus(Duration.ofDays(1)));
    }

    /** A server certificate for these names that expired an hour ago. */
    public Issued expiredServer(List<String> dnsNames) {
        return issue(dnsNames, List.of(), KeyPurposeId.id_kp_serverAuth, Instant.now().minus(Duration.ofHours(1)));
    }

    /** A client certificate whose CN is {@code name}. */
    public Issued client(String name) {
        return issue(List.of(name), List.of(), KeyPurposeId.id_kp_clientAuth, Instant.now().plus(Duration.ofDays(1)));
    }

    /** A self-signed server certificate for these DNS names, issued by nobody we trust. */
    public static Issued selfSigned(List<String> dnsNames) {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + dnsNames.get(0));
        X509Certificate cert = sign(subject, keys, subject, keys.getPrivate(), builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectAlternativeName, false, names(dnsNames, List.of()));
        }, Instant.now().plus(Duration.ofDays(1)));
        return new Issued(cert, keys.getPrivate(), List.of(cert));
    }

    private Issued issue(List<String> dnsNames, List<String> ips, KeyPurposeId purpose, Instant notAfter) {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + dnsNames.get(0) + ",O=Postrelay tests");
        X500Name issuer = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
        X509Certificate cert = sign(subject, keys, issuer, caKeys.getPrivate(), builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.subjectAlternativeName, false, names(dnsNames, ips));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        }, notAfter);
        return new Issued(cert, keys.getPrivate(), List.of(cert, ca));
    }

    private static GeneralNames names(List<String> dnsNames, List<String> ips) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws IOException, GeneralSecurityException;
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
                                        Extensions extensions, Instant notAfter) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(2))),
                    Date.from(notAfter), subject, subjectKeys.getPublic());
            extensions.add(builder);
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a test certificate for " + subject, e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PEM block of this type. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The loopback address as text, for certificates naming it. */
    public static String loopback() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }
}
