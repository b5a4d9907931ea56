package org.postrelay.smtp;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import org.postrelay.config.ConfigException;

/**
 * Postfix's cipher grades (smtp_tls_ciphers, smtp_tls_mandatory_ciphers) mapped onto JSSE: each grade
 * is the JVM's enabled cipher suites minus what the OpenSSL grade leaves out. Anonymous, NULL and
 * export suites are always left out (Postfix's "aNULL:-aNULL"); "high" also drops RC4, 3DES, single
 * DES, IDEA and SEED. "low" and "export" cannot add anything: suites the JVM disables stay disabled.
 * TLS 1.3 suites are all "high", as in OpenSSL.
 */
enum CipherGrade {
    HIGH("(?i).*(_anon_|_NULL_|_EXPORT|_RC4_|_3DES_|_DES_|_DES40_|_IDEA_|_SEED_).*"),
    MEDIUM("(?i).*(_anon_|_NULL_|_EXPORT|_DES_|_DES40_).*"),
    LOW("(?i).*(_anon_|_NULL_|_EXPORT).*"),
    EXPORT("(?i).*(_anon_|_NULL_).*");

    private final Pattern excluded;

    CipherGrade(String excluded) {
        this.excluded = Pattern.compile(excluded);
    }

    /** The grade a parameter names; ConfigException for anything else ("null" included: the JVM disables NULL ciphers). */
    static CipherGrade parse(String parameter, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(parameter + " = \"" + value + "\": expected high, medium, low or export"
                    + ("null".equalsIgnoreCase(value.trim()) ? " (the JVM disables NULL cipher suites)" : ""));
        }
    }

    /** The suites of this grade among the JVM's enabled ones, in the JVM's order of preference. */
    String[] suites(String[] enabled) {
        return Arrays.stream(enabled).filter(s -> !excluded.matcher(s).matches()).toArray(String[]::new);
    }
}
