package org.postrelay.pickup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.TestEngine;

/** Pickup takes a maildrop file only once its trailer says it is complete, and cleans up after dead writers. */
class PickupTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static String envelope(String token) {
        return "X-Postrelay-Maildrop: 1\nend " + token + "\nsender batch@example.com\nflags \nrecipient ops@example.org\n\n";
    }

    @Test
    void aFileShouldWaitForItsTrailerAndAFakeTrailerInTheBodyShouldNotCount() throws Exception {
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start();
             TestEngine engine = TestEngine.start(dir, relay, Map.of())) {
            long writer = ProcessHandle.current().pid();     // a live "sendmail"
            Path file = dir.resolve("spool/maildrop/1000." + writer);
            // the body even ends with a trailer, but with the wrong token: still incomplete
            Files.writeString(file, envelope("t0k3n") + "Subject: slow\n\nfirst part\nX-Postrelay-Maildrop-End guess\n");
            Thread.sleep(1500);
            assertTrue(relay.messages().isEmpty() && Files.exists(file), "an incomplete file is left alone");
            Files.writeString(file, "second part\n\nX-Postrelay-Maildrop-End t0k3n\n", java.nio.file.StandardOpenOption.APPEND);
            ScriptedSmtpServer.ReceivedMessage m = relay.awaitMessages(1, WAIT).get(0);
            assertTrue(m.text().endsWith("first part\r\nX-Postrelay-Maildrop-End guess\r\nsecond part\r\n"), m.text());
            engine.await("the file removed", WAIT, () -> !Files.exists(file));
        }
    }

    @Test
    void anIncompleteFileOfADeadWriterShouldBeRemovedAfterAMinute() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start();
             TestEngine engine = TestEngine.start(dir, relay, Map.of())) {
            Path fresh = dir.resolve("spool/maildrop/2000." + gone.pid());
            Path old = dir.resolve("spool/maildrop/1000." + gone.pid());
            for (Path f : List.of(fresh, old)) {
                Files.writeString(f, envelope("x") + "Subject: cut short\n\npart", StandardCharsets.UTF_8);
            }
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
            engine.await("the abandoned file removed", WAIT, () -> !Files.exists(old));
            assertTrue(Files.exists(fresh), "a recent one may still be finished");
            engine.await("the removal logged", WAIT,
                    () -> engine.maillog().contains("incomplete, and its sendmail (pid " + gone.pid() + ") is gone"));
            assertFalse(relay.messages().stream().anyMatch(m -> m.text().contains("cut short")), "never sent");
            assertEquals(0, engine.queued());
        }
    }
}
