package org.postrelay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.master.MasterLock;
import org.postrelay.testing.ScriptedSmtpServer;

/** src/bin/postrelay start | status | flush | stop, as an admin runs them, with sendmail and mailq. */
class DaemonCommandIT {

    private static final Path BIN = Path.of("..", "src", "bin").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private Run run(String input, String command, String... args) throws Exception {
        List<String> line = new ArrayList<>(List.of(BIN.resolve(command).toString()));
        line.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(line).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        builder.environment().put("MAIL_CONFIG", dir.resolve("conf").toString());
        Process p = builder.start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    @Test
    void theDaemonShouldStartRelayReportAndStop() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path spool = dir.resolve("spool");
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start().failConnections(true)) {
            Files.writeString(conf.resolve("main.cf"), "queue_directory = " + spool + "\nrelayhost = " + relay.relayhost()
                    + "\nmyorigin = example.com\nmaillog_file = " + dir.resolve("maillog") + "\n");
            assertEquals(1, run("", "postrelay", "status").status, "not running yet");
            Run start = run("", "postrelay", "start");
            assertEquals(new Run(0, "postrelay/postrelay-script: starting the Postrelay mail system\n", ""), start);
            try {
                Run again = run("", "postrelay", "start");
                assertEquals(1, again.status);
                assertTrue(again.err.startsWith("postrelay: fatal: the Postrelay mail system is already running (PID: "), again.err);
                Run status = run("", "postrelay", "status");
                assertEquals(0, status.status);
                assertTrue(status.out.startsWith("postrelay/postrelay-script: the Postrelay mail system is running: PID: "
                        + MasterLock.holder(spool).orElseThrow()), status.out);

                assertEquals(0, run("Subject: nightly\n\nall good\n", "sendmail", "-f", "batch@example.com", "ops@example.org").status);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!run("", "mailq").out.contains("ops@example.org")) {
                    assertTrue(System.nanoTime() < deadline, "the message never showed in mailq");
                    Thread.sleep(200);
                }
                relay.failConnections(false);
                assertEquals(0, run("", "postrelay", "flush").status);
                List<ScriptedSmtpServer.ReceivedMessage> received = relay.awaitMessages(1, Duration.ofSeconds(30));
                assertEquals(List.of("ops@example.org"), received.get(0).recipients());
                assertEquals("batch@example.com", received.get(0).sender());
            } finally {
                Run stop = run("", "postrelay", "stop");
                assertEquals(new Run(0, "postrelay/postrelay-script: stopping the Postrelay mail system\n", ""), stop);
            }
            Run stopped = run("", "postrelay", "status");
            assertEquals(new Run(1, "", "postrelay/postrelay-script: the Postrelay mail system is not running\n"), stopped);
            assertTrue(Files.readString(dir.resolve("maillog")).contains("postrelay/master[")
                    && Files.readString(dir.resolve("maillog")).contains("daemon stopped"), "clean stop on SIGTERM");
            assertEquals(new Run(1, "", "postrelay: fatal: the Postrelay mail system is not running\n"), run("", "postrelay", "stop"));
        }
    }

    @Test
    void aBadConfigurationShouldStopTheStartWithItsReason() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("main.cf"), "queue_directory = " + dir.resolve("spool") + "\nmaximal_backoff_time = soon\n");
        Run check = run("", "postrelay", "check");
        assertEquals(1, check.status);
        assertTrue(check.err.startsWith("postrelay: fatal: ") && check.err.contains("maximal_backoff_time"), check.err);
        assertEquals(1, run("", "postrelay", "start").status);
    }
}
