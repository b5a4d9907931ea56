package org.postrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixPasswdTableTest {

    @TempDir
    Path dir;

    @Test
    void shouldFindAccountsByFoldedNameWithTheirPasswdLine() throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\n"
                + "bob:x:1000:1000:Bob,,,:/home/bob:/bin/bash\n"
                + "+nisuser::::::\n");
        UnixPasswdTable table = new UnixPasswdTable(passwd);
        assertEquals(Optional.of("bob:x:1000:1000:Bob,,,:/home/bob:/bin/bash"), table.lookup("Bob"));
        assertEquals(Optional.of("root:x:0:0:root:/root:/bin/bash"), table.lookup("root"));
        assertEquals(Optional.empty(), table.lookup("alice"));
        assertEquals(Optional.empty(), table.lookup("+nisuser"));
        assertEquals(Optional.empty(), table.lookup("bob@example.com"));
        assertEquals("unix:passwd.byname", table.name());
    }

    @Test
    void shouldSeeAccountsAddedAndRemovedAsGetpwnamDoes() throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "bob:x:1000:1000::/home/bob:/bin/sh\n");
        UnixPasswdTable table = new UnixPasswdTable(passwd);
        assertTrue(table.lookup("bob").isPresent());
        Files.writeString(passwd, "alice:x:1001:1001::/home/alice:/bin/sh\n");
        Files.setLastModifiedTime(passwd, FileTime.from(Instant.now().plusSeconds(5)));   // same size: mtime tells
        assertTrue(table.lookup("alice").isPresent());
        assertTrue(table.lookup("bob").isEmpty());
    }

    @Test
    void anUnreadableFileShouldBeAnErrorNamingTheTable() {
        UnixPasswdTable table = new UnixPasswdTable(dir.resolve("missing"));
        ConfigException e = assertThrows(ConfigException.class, () -> table.lookup("bob"));
        assertTrue(e.getMessage().contains("unix:passwd.byname") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void onlyPasswdByNameShouldOpen() {
        assertEquals("unix:passwd.byname", UnixPasswdTable.open("passwd.byname").name());
        ConfigException e = assertThrows(ConfigException.class, () -> UnixPasswdTable.open("group.byname"));
        assertTrue(e.getMessage().contains("unix:group.byname"), e.getMessage());
    }

    @Test
    void theSystemTableShouldKnowRoot() {
        assertTrue(new UnixPasswdTable().lookup("root").isPresent());
    }
}
