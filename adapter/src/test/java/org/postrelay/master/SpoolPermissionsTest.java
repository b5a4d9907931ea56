package org.postrelay.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.queue.QueueName;
import org.postrelay.testing.ScriptedSmtpServer;
import org.postrelay.testing.TestEngine;

/**
 * Everything a running engine leaves under queue_directory is private to its owner, whatever the
 * process umask: directories 0700, files 0600 (queue files, journal segments, defer logs, the pid
 * file); the one exception is the control socket, whose mode Java cannot set but whose directory
 * (public/, 0700) already shuts everyone else out.
 */
class SpoolPermissionsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void everyDirectoryShouldBe0700AndEveryFile0600() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start()) {
            relay.onRcpt("later@example.org", "450 4.2.0 Mailbox busy");
            try (TestEngine engine = TestEngine.start(dir, relay, Map.of("minimal_backoff_time", "60s",
                    "maximal_backoff_time", "60s"))) {
                engine.send("app@example.com", List.of("later@example.org"), "Subject: a\r\n\r\nb\r\n");
                engine.send("app@example.com", List.of("now@example.org"), "Subject: a\r\n\r\nb\r\n");
                engine.await("one deferred, one sent", WAIT,
                        () -> engine.count(QueueName.DEFERRED) == 1 && relay.messages().size() == 1);
                Map<String, String> wrong = wrongModes(dir.resolve("spool"));
                assertEquals(Map.of(), wrong, "modes other than 0700/0600 under queue_directory");
                List<String> seen = names(dir.resolve("spool"));
                assertTrue(seen.contains("pid/master.pid"), seen.toString());
                assertTrue(seen.stream().anyMatch(n -> n.startsWith("deferred/")), seen.toString());
                assertTrue(seen.stream().anyMatch(n -> n.startsWith("defer/")), seen.toString());
                assertTrue(seen.stream().anyMatch(n -> n.startsWith("journal/")), seen.toString());
            }
        }
    }

    /** Path (relative) to mode, for every entry whose mode is not the private one. */
    private static Map<String, String> wrongModes(Path root) throws IOException {
        Map<String, String> wrong = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                String name = root.relativize(p).toString();
                if (Files.isDirectory(p) && !mode.equals("rwx------")) {
                    wrong.put(name + "/", mode);
                } else if (Files.isRegularFile(p) && !mode.equals("rw-------")) {
                    wrong.put(name, mode);
                }
            }
        }
        return wrong;
    }

    private static List<String> names(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.forEach(p -> names.add(root.relativize(p).toString()));
        }
        return names;
    }
}
