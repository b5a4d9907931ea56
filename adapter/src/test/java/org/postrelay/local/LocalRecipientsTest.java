package org.postrelay.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.LookupTable;
import org.postrelay.config.UnixPasswdTable;

/** Who is a local user: the user name derivation and local_recipient_maps. */
class LocalRecipientsTest {

    @TempDir
    Path dir;

    /** A table of fixed keys that records what it was asked, standing in for texthash: until the merge. */
    private static final class Keys implements LookupTable {
        final List<String> asked = new ArrayList<>();
        final Map<String, String> entries;

        Keys(Map<String, String> entries) {
            this.entries = entries;
        }

        @Override
        public Optional<String> lookup(String key) {
            asked.add(key);
            return Optional.ofNullable(entries.get(key));
        }

        @Override
        public String name() {
            return "test:keys";
        }
    }

    @Test
    void theUserShouldBeTheFoldedLocalPartWithoutItsExtension() {
        LocalUser u = LocalUser.of("Bob+Lists@Local.Test", "+");
        assertEquals("bob", u.user());
        assertEquals("bob+lists", u.localPart());
        assertEquals("lists", u.extension());
        assertEquals("local.test", u.domain());
        assertEquals("bob+lists", LocalUser.of("Bob+Lists@local.test", "").user());
        assertEquals("bob", LocalUser.of("bob-x@local.test", "+-").user());       // any delimiter character
        assertEquals("+bob", LocalUser.of("+bob@local.test", "+").user());        // never a null user
        assertNull(LocalUser.of("+bob@local.test", "+").extension());
        assertEquals("john doe", LocalUser.of("\"John Doe\"@local.test", "+").user());
    }

    @Test
    void reservedNamesShouldNeverBeSplit() {
        assertEquals("postmaster", LocalUser.of("postmaster@local.test", "t").user());
        assertEquals("mailer-daemon", LocalUser.of("MAILER-DAEMON@local.test", "-").user());
        assertEquals("owner-list", LocalUser.of("owner-list@local.test", "-").user());
        assertEquals("list-request", LocalUser.of("list-request@local.test", "-").user());
        assertEquals("list-request", LocalUser.of("list-request+x@local.test", "+").user());
    }

    @Test
    void keysShouldBeSearchedInPostfixOrderEachInEveryTable() {
        Keys first = new Keys(Map.of());
        Keys second = new Keys(Map.of("bob", "yes"));
        LocalRecipients recipients = new LocalRecipients(List.of(first, second), "+", List.of());
        assertTrue(recipients.known("Bob+X@Local.Test"));
        assertEquals(List.of("bob+x@local.test", "bob@local.test", "bob+x", "bob"), first.asked);
        assertEquals(first.asked, second.asked);
        Keys atDomain = new Keys(Map.of("@local.test", "catch-all"));
        assertTrue(new LocalRecipients(List.of(atDomain), "", List.of()).known("anyone@local.test"));
        assertEquals(List.of("anyone@local.test", "anyone", "@local.test"), atDomain.asked);
    }

    @Test
    void unknownUsersShouldBeUnknownButPostmasterAlwaysExists() {
        LocalRecipients recipients = new LocalRecipients(List.of(new Keys(Map.of("bob", "x"))), "", List.of());
        assertFalse(recipients.known("alice@local.test"));
        assertTrue(recipients.known("Postmaster@local.test"));
        assertTrue(recipients.known("mailer-daemon@local.test"));
    }

    @Test
    void anEmptyLocalRecipientMapsShouldKnowEveryone() {
        LocalRecipients recipients = LocalRecipients.from(Config.of(Map.of("local_recipient_maps", "")));
        assertTrue(recipients.known("whoever@local.test"));
    }

    @Test
    void theDefaultShouldReadThePasswdFileAndSkipTheAliasTables() {
        // proxy:unix:passwd.byname $alias_maps: hash:/etc/aliases and nis:mail.aliases are never opened.
        LocalRecipients recipients = LocalRecipients.from(Config.defaults());
        assertTrue(recipients.known("root@local.test"));
        assertFalse(recipients.known("no-such-user-4711@local.test"));
        assertEquals(UnixPasswdTable.NAME, recipients.describe());
        assertTrue(recipients.warnings().isEmpty());
    }

    @Test
    void onlyAliasTablesShouldWarnThatNobodyIsKnown() {
        LocalRecipients recipients = LocalRecipients.from(Config.of(Map.of("local_recipient_maps", "$alias_maps")));
        assertFalse(recipients.known("root@local.test"));
        assertTrue(recipients.known("postmaster@local.test"));
        assertTrue(recipients.warnings().get(0).contains("only alias_maps tables"), recipients.warnings().toString());
    }

    @Test
    void otherTablesShouldGoThroughLookupTables() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("users"), "alice   ok\n");
        LocalRecipients recipients = LocalRecipients.from(
                Config.of(Map.of("local_recipient_maps", "texthash:" + dir.resolve("users"))));
        assertTrue(recipients.known("Alice@local.test"));
        assertFalse(recipients.known("bob@local.test"));
    }

    @Test
    void aPasswdFileThatDisappearsShouldBeALookupFailure() throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "bob:x:1:1::/:/bin/sh\n");
        LocalRecipients recipients = new LocalRecipients(List.of(new UnixPasswdTable(passwd)), "", List.of());
        assertTrue(recipients.known("bob@local.test"));
        Files.delete(passwd);
        assertThrows(ConfigException.class, () -> recipients.known("bob@local.test"));
    }
}
