package org.postrelay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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

/** src/bin/postrelay and the queue commands, run as an admin runs them, against a daemon with smtpd. */
class DaemonCommandIT {

    private static final Path BIN = Path.of("..", "src", "bin").toAbsolutePath().normalize();
    private static final Path SMTP_SOURCE = Path.of("/usr/sbin/smtp-source");

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
        try (java.io.OutputStream stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException exitedFirst) {
            // a command that refuses its arguments exits without reading its input (broken pipe)
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    /**
     * The admin's day, end to end: start the daemon (main.cf relaying to a sink, master.cf with an
     * smtpd line), inject with Postfix's smtp-source into our smtpd and with our sendmail, see every
     * message at the sink; with the relay down, mailq lists what waits, postsuper -h holds one that
     * postqueue -f then leaves alone, -H releases it; a client outside mynetworks is refused; stop.
     */
    @Test
    void theDaemonShouldRelayWhatSmtpdAndSendmailAcceptAndObeyTheQueueCommands() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path spool = dir.resolve("spool");
        int smtpdPort = freePort();
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start()) {
            Files.writeString(conf.resolve("main.cf"), "queue_directory = " + spool + "\nrelayhost = " + relay.relayhost()
                    + "\nmyorigin = example.com\nmynetworks = 127.0.0.1/32\nmaillog_file = " + dir.resolve("maillog")
                    + "\nminimal_backoff_time = 1h\nmaximal_backoff_time = 2h\nqueue_run_delay = 1h\n");
            Files.writeString(conf.resolve("master.cf"), "# service type private unpriv chroot wakeup maxproc command\n"
                    + "127.0.0.1:" + smtpdPort + " inet n - n - - smtpd\n");
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

                // 1. smtp-source into smtpd, sendmail into maildrop: everything reaches the sink
                int viaSmtp = 0;
                if (Files.isExecutable(SMTP_SOURCE)) {
                    viaSmtp = 40;
                    Process source = new ProcessBuilder(SMTP_SOURCE.toString(), "-s", "5", "-m", String.valueOf(viaSmtp),
                            "-l", "1024", "-f", "source@example.com", "-t", "sink@example.org", "127.0.0.1:" + smtpdPort)
                            .redirectErrorStream(true).start();
                    String output = new String(source.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(source.waitFor(120, TimeUnit.SECONDS) && source.exitValue() == 0, "smtp-source: " + output);
                }
                for (int i = 0; i < 5; i++) {
                    Run sent = run("Subject: nightly " + i + "\n\nall good\n", "sendmail", "-f", "batch@example.com",
                            "ops@example.org");
                    assertEquals(0, sent.status, sent.err);
                }
                relay.awaitMessages(viaSmtp + 5, Duration.ofSeconds(60));
                assertEquals(viaSmtp, relay.messages().stream().filter(m -> m.sender().equals("source@example.com")).count());
                assertEquals(5, relay.messages().stream().filter(m -> m.sender().equals("batch@example.com")).count());
                // the relay counts a message before its end-of-data reply reaches us: let the last ones finish
                awaitEmptyQueue();

                // 2. the relay goes down: mail waits, mailq shows it with the reason
                relay.failConnections(true);
                relay.dropConnections();
                for (String who : List.of("kept", "held")) {
                    Run sent = run("Subject: " + who + "\n\nwaiting\n", "sendmail", "-f", "batch@example.com",
                            who + "@example.org");
                    assertEquals(0, sent.status, sent.err);
                }
                String listing = awaitMailq("kept@example.org", "held@example.org");
                assertTrue(listing.contains("-- 0 Kbytes in 2 Requests."), listing);
                String heldId = queueIdOf(listing, "held@example.org");

                // 3. hold one; bring the relay back; postqueue -f sends the other only
                assertEquals(new Run(0, "", "postsuper: Placed on hold: 1 message\n"), run("", "postsuper", "-h", heldId));
                assertTrue(run("", "mailq").out.contains(heldId + "!"), "held messages are marked with !");
                relay.failConnections(false);
                int before = relay.messages().size();
                assertEquals(0, run("", "postqueue", "-f").status);
                relay.awaitMessages(before + 1, Duration.ofSeconds(30));
                Thread.sleep(1000);                          // give a wrong delivery of the held one time to show
                assertEquals(List.of("kept@example.org"), relay.messages().subList(before, relay.messages().size()).stream()
                        .flatMap(m -> m.recipients().stream()).toList(), "only the message not on hold was sent");

                // 4. release it: postqueue -f sends it at once
                assertEquals(new Run(0, "", "postsuper: Released from hold: 1 message\n"), run("", "postsuper", "-H", heldId));
                assertEquals(0, run("", "postqueue", "-f").status);
                relay.awaitMessages(before + 2, Duration.ofSeconds(30));
                assertEquals(new Run(0, "Mail queue is empty\n", ""), run("", "mailq"));

                // 5. never an open relay: a client outside mynetworks is refused at RCPT
                assertTrue(rcptFrom("127.0.0.2", smtpdPort).startsWith("554 5.7.1 <outsider@example.org>: Relay access denied"));
            } finally {
                Run stop = run("", "postrelay", "stop");
                assertEquals(new Run(0, "postrelay/postrelay-script: stopping the Postrelay mail system\n", ""), stop);
            }
            Run stopped = run("", "postrelay", "status");
            assertEquals(new Run(1, "", "postrelay/postrelay-script: the Postrelay mail system is not running\n"), stopped);
            String maillog = Files.readString(dir.resolve("maillog"));
            assertTrue(maillog.contains("postrelay/smtpd[") && maillog.contains("daemon stopped"), maillog);
            assertEquals(new Run(1, "", "postrelay: fatal: the Postrelay mail system is not running\n"), run("", "postrelay", "stop"));
        }
    }

    private void awaitEmptyQueue() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String listing;
        while (!(listing = run("", "mailq").out).equals("Mail queue is empty\n")) {
            assertTrue(System.nanoTime() < deadline, "the queue never emptied:\n" + listing);
            Thread.sleep(200);
        }
    }

    private String awaitMailq(String... recipients) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String listing = run("", "mailq").out;
            if (List.of(recipients).stream().allMatch(listing::contains)) {
                return listing;
            }
            assertTrue(System.nanoTime() < deadline, "mailq never listed " + List.of(recipients) + ":\n" + listing);
            Thread.sleep(200);
        }
    }

    /** The queue id of the mailq entry that lists the recipient (ids start a line; recipients follow). */
    private static String queueIdOf(String listing, String recipient) {
        String id = null;
        for (String line : listing.lines().toList()) {
            if (!line.isEmpty() && Character.isLetterOrDigit(line.charAt(0)) && !line.startsWith("--")) {
                id = line.substring(0, 18);
            }
            if (line.strip().equals(recipient)) {
                return id;
            }
        }
        throw new AssertionError(recipient + " not in\n" + listing);
    }

    /** An SMTP client on a given loopback address, up to RCPT TO; returns the reply to RCPT. */
    private static String rcptFrom(String localAddress, int port) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
            reply(in);
            out.write("EHLO outsider.example\r\n");
            out.flush();
            reply(in);
            out.write("MAIL FROM:<someone@example.net>\r\n");
            out.flush();
            reply(in);
            out.write("RCPT TO:<outsider@example.org>\r\n");
            out.flush();
            return reply(in);
        }
    }

    private static String reply(BufferedReader in) throws Exception {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        return line;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
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
