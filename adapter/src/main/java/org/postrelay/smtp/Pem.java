package org.postrelay.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.postrelay.config.ConfigException;

/**
 * Reads the PEM files that Postfix's TLS parameters name: the "-----BEGIN type-----" blocks of a file,
 * and the certificates among them. Errors are ConfigExceptions naming the parameter and the file.
 */
final class Pem {

    /** One block: its type ("CERTIFICATE", "PRIVATE KEY", ...), its DER bytes, whether its headers say it is encrypted. */
    record Block(String type, byte[] der, boolean encrypted) {
    }

    private Pem() {
    }

    /** The blocks of a file, in order; text outside blocks is ignored, as OpenSSL does. */
    static List<Block> read(String parameter, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ConfigException(parameter + " = " + file + ": cannot read the file: " + e, e);
        }
        List<Block> blocks = new ArrayList<>();
        String type = null;
        boolean encrypted = false;
        StringBuilder base64 = new StringBuilder();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (type == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----")) {
                    type = line.substring(11, line.length() - 5);
                    encrypted = false;
                    base64.setLength(0);
                }
            } else if (line.equals("-----END " + type + "-----")) {
                try {
                    blocks.add(new Block(type, Base64.getMimeDecoder().decode(base64.toString()), encrypted));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(parameter + " = " + file + ": bad base64 in the \"" + type + "\" block", e);
                }
                type = null;
            } else if (line.contains(":")) {
                encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");   // RFC 1421 headers
            } else {
                base64.append(line);
            }
        }
        if (type != null) {
            throw new ConfigException(parameter + " = " + file + ": the \"" + type + "\" block has no END line");
        }
        return blocks;
    }

    /** The X.509 certificates among the blocks, in order. */
    static List<X509Certificate> certificates(String parameter, Path file, List<Block> blocks) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks) {
                if (b.type().equals("CERTIFICATE") || b.type().equals("TRUSTED CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new ConfigException(parameter + " = " + file + ": not a valid X.509 certificate: " + e.getMessage(), e);
        }
        return certificates;
    }
}
