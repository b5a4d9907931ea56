package org.postrelay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** src/bin/postconf as an admin runs it: a process, on the packaged jar and its libraries. */
class PostconfCommandIT {

    private static final Path POSTCONF = Path.of("..", "src", "bin", "postconf").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(POSTCONF.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "postconf did not finish");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theCommandShouldEditAndShowMainCf() throws Exception {
        Path conf = Files.createDirectory(dir.resolve("conf"));
        Files.writeString(conf.resolve("main.cf"), "# null client\nrelayhost = [old.example]:25\n");
        Run edit = run("-c", conf.toString(), "-e", "relayhost=[127.0.0.1]:2525", "myorigin=example.com");
        assertEquals(0, edit.status, edit.err);
        assertEquals("# null client\nrelayhost = [127.0.0.1]:2525\nmyorigin = example.com\n",
                Files.readString(conf.resolve("main.cf")));
        Run show = run("-c", conf.toString(), "-n");
        assertEquals("config_directory = " + conf + "\nmyorigin = example.com\nrelayhost = [127.0.0.1]:2525\n", show.out);
        assertEquals("", show.err, "nothing but postconf's own diagnostics on stderr");
        Run bad = run("-c", conf.toString(), "-e", "message_size_limit=10M");
        assertEquals(1, bad.status);
        assertTrue(bad.err.startsWith("postconf: fatal: ") && bad.err.contains("message_size_limit"), bad.err);
    }
}
