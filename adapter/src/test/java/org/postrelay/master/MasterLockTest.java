package org.postrelay.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One engine per spool: the second is refused with a message naming the first, until it stops. */
class MasterLockTest {

    @TempDir
    Path dir;

    private Map<String, String> parameters() {
        return Map.of("queue_directory", dir.resolve("spool").toString(), "relayhost", "[127.0.0.1]:9",
                "maillog_file", dir.resolve("maillog").toString());
    }

    @Test
    void aSecondEngineOnTheSameSpoolShouldBeRefusedUntilTheFirstStops() throws Exception {
        Path spool = dir.resolve("spool");
        try (Master first = Master.start(parameters())) {
            assertTrue(MasterLock.isHeld(spool));
            assertEquals(ProcessHandle.current().pid(), MasterLock.holder(spool).orElseThrow());
            assertEquals(String.format("%10d\n", ProcessHandle.current().pid()),
                    Files.readString(MasterLock.pidFile(spool)), "Postfix's pid file layout");
            MasterLock.AlreadyRunningException refused = assertThrows(MasterLock.AlreadyRunningException.class,
                    () -> Master.start(parameters()).close());
            assertTrue(refused.getMessage().contains("already running") && refused.getMessage().contains(spool.toString())
                    && refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
        }
        assertFalse(MasterLock.isHeld(spool));
        Master.start(parameters()).close();               // free again after the first stopped
    }
}
