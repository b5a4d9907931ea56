package org.postrelay.smtp;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a server certificate names what the verify/secure level expects, as OpenSSL's host check
 * does for Postfix: the DNS names of the subjectAltName (the subject CN only when there are none);
 * a name pattern matches equal names (case ignored) or a "*.rest" wildcard standing for one whole
 * leftmost label (no partial-label wildcards, RFC 6125); a ".domain" pattern matches any name below
 * the domain.
 */
final class PeerNames {

    private static final int DNS_NAME = 2;

    private PeerNames() {
    }

    /** The certificate's DNS names, or its subject CNs when it has no DNS subjectAltName. */
    static List<String> of(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable extension names nothing
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String cn) {
                        names.add(cn);
                    }
                }
            } catch (InvalidNameException e) {
                // no usable subject
            }
        }
        return names;
    }

    /** Whether any of the certificate's names matches any of the patterns. */
    static boolean matches(X509Certificate cert, List<String> patterns) {
        for (String name : of(cert)) {
            for (String pattern : patterns) {
                if (matches(normal(name), normal(pattern))) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean matches(String certName, String pattern) {
        if (certName.isEmpty() || pattern.isEmpty()) {
            return false;
        }
        if (pattern.startsWith(".")) {
            return certName.length() > pattern.length() && certName.endsWith(pattern);
        }
        if (certName.equals(pattern)) {
            return true;
        }
        // "*.example.com": one whole leftmost label, never the last two labels
        if (certName.startsWith("*.") && certName.indexOf('.', 2) > 0 && certName.indexOf('*', 1) < 0) {
            int dot = pattern.indexOf('.');
            return dot > 0 && pattern.substring(dot).equals(certName.substring(1));
        }
        return false;
    }

    private static String normal(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
    }
}
