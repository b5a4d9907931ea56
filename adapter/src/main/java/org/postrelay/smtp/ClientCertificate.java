package org.postrelay.smtp;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.postrelay.config.ConfigException;

/**
 * The client certificate of smtp_tls_cert_file (certificate first, then its issuers) with the private
 * key of smtp_tls_key_file (unencrypted PKCS#8 PEM; may be the same file), presented whenever a server
 * asks for one, as OpenSSL does, whatever CAs the server names.
 */
final class ClientCertificate extends X509ExtendedKeyManager {

    private static final String ALIAS = "smtp_tls_cert_file";

    private final X509Certificate[] chain;
    private final PrivateKey key;

    private ClientCertificate(X509Certificate[] chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    /** The key manager, or null when smtp_tls_cert_file is empty; ConfigException for unusable files. */
    static ClientCertificate load(String certFile, String keyFile) {
        if (certFile.isEmpty()) {
            if (!keyFile.isEmpty()) {
                throw new ConfigException("smtp_tls_key_file = " + keyFile + " is set but smtp_tls_cert_file is empty");
            }
            return null;
        }
        if (keyFile.isEmpty()) {
            throw new ConfigException("smtp_tls_cert_file = " + certFile + " is set but smtp_tls_key_file is empty");
        }
        Path certPath = Path.of(certFile);
        List<X509Certificate> certs = Pem.certificates("smtp_tls_cert_file", certPath,
                Pem.read("smtp_tls_cert_file", certPath));
        if (certs.isEmpty()) {
            throw new ConfigException("smtp_tls_cert_file = " + certFile + ": no PEM certificate in the file"
                    + " (expected \"-----BEGIN CERTIFICATE-----\", the client certificate first)");
        }
        PrivateKey key = privateKey(keyFile);
        X509Certificate[] chain = certs.toArray(new X509Certificate[0]);
        if (!matches(key, chain[0])) {
            throw new ConfigException("smtp_tls_key_file = " + keyFile + ": the private key does not belong to the"
                    + " first certificate of smtp_tls_cert_file = " + certFile + " ("
                    + chain[0].getSubjectX500Principal().getName() + ")");
        }
        return new ClientCertificate(chain, key);
    }

    private static PrivateKey privateKey(String keyFile) {
        Path path = Path.of(keyFile);
        String convert = "; convert it with \"openssl pkcs8 -topk8 -nocrypt -in " + keyFile + " -out NEW.pem\" and"
                + " name NEW.pem in smtp_tls_key_file";
        for (Pem.Block b : Pem.read("smtp_tls_key_file", path)) {
            switch (b.type()) {
                case "PRIVATE KEY" -> {
                    if (b.encrypted()) {
                        throw new ConfigException("smtp_tls_key_file = " + keyFile + ": the key is encrypted; it must"
                                + " be readable without a pass-phrase, as Postfix requires" + convert);
                    }
                    return pkcs8(keyFile, b.der());
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new ConfigException("smtp_tls_key_file = " + keyFile
                        + ": the key is encrypted; it must be readable without a pass-phrase, as Postfix requires"
                        + convert);
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> throw new ConfigException(
                        "smtp_tls_key_file = " + keyFile + ": \"" + b.type() + "\" is OpenSSL's traditional key format,"
                        + " which Postrelay does not read (it reads PKCS#8, \"BEGIN PRIVATE KEY\")" + convert);
                default -> {
                    // a certificate in a combined file: look further
                }
            }
        }
        throw new ConfigException("smtp_tls_key_file = " + keyFile + ": no private key in the file (expected an"
                + " unencrypted PKCS#8 PEM key, \"-----BEGIN PRIVATE KEY-----\")");
    }

    private static PrivateKey pkcs8(String keyFile, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new ConfigException("smtp_tls_key_file = " + keyFile + ": not a PKCS#8 RSA, EC, EdDSA or DSA key the JVM"
                + " can read");
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        if (key.getAlgorithm().equals("RSASSA-PSS")) {
            return false;                                  // would need PSS parameters; not worth supporting
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm();                 // Ed25519, Ed448: no digest name
        };
        try {
            byte[] probe = "postrelay key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private boolean suits(String[] keyTypes) {
        String algorithm = key.getAlgorithm();
        return keyTypes == null || Arrays.stream(keyTypes).anyMatch(t -> t.equalsIgnoreCase(algorithm)
                || algorithm.equals("RSA") && t.equalsIgnoreCase("RSASSA-PSS")
                || algorithm.startsWith("Ed") && t.equalsIgnoreCase("EdDSA"));
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return suits(keyTypes) ? ALIAS : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return suits(keyTypes) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return suits(new String[] {keyType}) ? new String[] {ALIAS} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    /** No key material in the text. */
    @Override
    public String toString() {
        return "ClientCertificate[" + chain[0].getSubjectX500Principal().getName() + "]";
    }
}
