package org.postrelay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The leak check sees a password wherever it turns up, and reports it masked. */
class PasswordLeakCheckTest {

    private static final Logger LOG = Logger.getLogger("org.postrelay.smtp");

    @Test
    void passwordInALogRecordShouldBeFoundEvenAtFine() {
        PasswordLeakCheck.drain();
        LOG.fine("AUTH for alice with " + TestPasswords.ALICE);
        List<String> leaks = PasswordLeakCheck.drain();
        assertEquals(1, leaks.size(), leaks.toString());
        assertTrue(leaks.get(0).contains("log record of org.postrelay.smtp"), leaks.get(0));
        assertFalse(leaks.get(0).contains(TestPasswords.ALICE), "the report masks it: " + leaks.get(0));
    }

    @Test
    void base64PasswordOnStandardOutputShouldBeFound() {
        PasswordLeakCheck.drain();
        String login = Base64.getEncoder().encodeToString(TestPasswords.BOB.getBytes());
        System.out.print("C: " + login.substring(0, 5));
        System.out.println(login.substring(5));                     // split across writes
        List<String> leaks = PasswordLeakCheck.drain();
        assertFalse(leaks.isEmpty());
        assertTrue(leaks.get(0).startsWith("standard output"), leaks.get(0));
    }

    @Test
    void theTestServersOwnRecordsShouldBeLeftOut() {
        PasswordLeakCheck.drain();
        Logger.getLogger("org.subethamail.smtp.server.Session").warning("AUTH " + TestPasswords.SHORT);
        assertEquals(List.of(), PasswordLeakCheck.drain());
    }
}
