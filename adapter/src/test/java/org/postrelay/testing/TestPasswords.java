package org.postrelay.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The SASL passwords the test suites use, in one place, so that {@link PasswordLeakCheck} can look
 * for them (and for their base64 forms as AUTH PLAIN and AUTH LOGIN send them) in every log line.
 * A test that needs a password takes it from here.
 */
public final class TestPasswords {

    public static final String ALICE = "Tr0ub4dor&3-secret";
    public static final String BOB = "bobs-password";
    public static final String SHORT = "s3cret";
    public static final String APP_PASSWORD = "app password 1";

    /** The passwords as written in a password table. */
    public static final List<String> ALL = List.of(ALICE, BOB, SHORT, APP_PASSWORD);

    private TestPasswords() {
    }

    /** Each password as it may leak: in clear, base64 alone (AUTH LOGIN), base64 after a NUL (AUTH PLAIN's tail). */
    static List<String> leakForms() {
        List<String> forms = new ArrayList<>();
        Base64.Encoder b64 = Base64.getEncoder();
        for (String p : ALL) {
            forms.add(p);
            forms.add(b64.encodeToString(p.getBytes(StandardCharsets.UTF_8)));
        }
        return forms;
    }
}
