package org.postrelay.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.postrelay.config.ConfigException;

/**
 * The CAs a server certificate chain must lead to: smtp_tls_CAfile (one PEM file) and smtp_tls_CApath
 * (a directory whose files are read, PEM certificates taken, anything else skipped, so OpenSSL's hash
 * links do no harm). With both empty, the JVM's default trust store.
 */
final class TrustedCas {

    private TrustedCas() {
    }

    /** A PKIX trust manager over those CAs; ConfigException naming the parameter when a file is unusable. */
    static X509TrustManager load(String caFile, String caPath) {
        Set<X509Certificate> cas = new LinkedHashSet<>();
        if (!caFile.isEmpty()) {
            Path file = Path.of(caFile);
            List<X509Certificate> found = Pem.certificates("smtp_tls_CAfile", file, Pem.read("smtp_tls_CAfile", file));
            if (found.isEmpty()) {
                throw new ConfigException("smtp_tls_CAfile = " + caFile + ": no PEM certificate in the file"
                        + " (expected \"-----BEGIN CERTIFICATE-----\" blocks)");
            }
            cas.addAll(found);
        }
        if (!caPath.isEmpty()) {
            cas.addAll(directory(Path.of(caPath)));
        }
        try {
            KeyStore store = null;
            if (!caFile.isEmpty() || !caPath.isEmpty()) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int n = 0;
                for (X509Certificate ca : cas) {
                    store.setCertificateEntry("ca-" + n++, ca);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);                              // null: the JVM's default trust store
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JVM's TrustManagerFactory made no X509TrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("cannot set up the trusted CAs from smtp_tls_CAfile = " + caFile
                    + ", smtp_tls_CApath = " + caPath + ": " + e, e);
        }
    }

    private static Set<X509Certificate> directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("smtp_tls_CApath = " + dir + ": not a directory");
        }
        Set<X509Certificate> cas = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (Files.isRegularFile(f) && Files.isReadable(f)) {
                    try {
                        cas.addAll(Pem.certificates("smtp_tls_CApath", f, Pem.read("smtp_tls_CApath", f)));
                    } catch (ConfigException e) {
                        // not a certificate file (a CRL, a README, a broken link target): OpenSSL skips it too
                    }
                }
            }
        } catch (IOException e) {
            throw new ConfigException("smtp_tls_CApath = " + dir + ": cannot list the directory: " + e, e);
        }
        return cas;
    }
}
