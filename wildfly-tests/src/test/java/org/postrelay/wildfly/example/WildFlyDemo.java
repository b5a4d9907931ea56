package org.postrelay.wildfly.example;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The README's demo: a real WildFly (the one this module's build unpacked) with postrelay.rar
 * deployed and configured by the same jboss-cli script an operator runs, the example EAR deployed,
 * and an SMTP server on loopback as the relayhost. Prints the page's address and every message
 * that arrives at the relayhost, until Ctrl-C.
 *
 * <p>Arguments: WildFly home, postrelay.rar, the example EAR, postrelay.cli. System properties:
 * {@code postrelay.demo.port-offset} (default 0: the page is on port 8080).
 */
public final class WildFlyDemo {

    private static final Duration BOOT = Duration.ofSeconds(180);

    private WildFlyDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: WildFlyDemo WILDFLY_HOME postrelay.rar example.ear postrelay.cli");
        }
        Path home = Path.of(args[0]);
        Path rar = Path.of(args[1]);
        Path ear = Path.of(args[2]);
        Path cli = Path.of(args[3]);
        int offset = Integer.getInteger("postrelay.demo.port-offset", 0);
        Path serverLog = home.resolve("standalone/log/demo-console.log");

        SmtpSink relay = SmtpSink.start();
        System.out.println("Relayhost (an SMTP server on loopback): " + relay.relayhost());

        // Configured while the server is stopped, exactly as the README tells an operator to do it.
        System.out.println("Configuring " + home + " with " + cli.getFileName() + " ...");
        runCli(home, "--file=" + cli, "-Darchive=" + rar, "-Drelayhost=" + relay.relayhost(),
                "-Dmyorigin=example.com");
        runCli(home, "--commands=embed-server --std-out=discard --server-config=standalone.xml,"
                + "deploy " + ear + " --name=postrelay-example.ear --force");

        Files.createDirectories(serverLog.getParent());
        Process server = new ProcessBuilder("bash", "bin/standalone.sh",
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.socket.binding.port-offset=" + offset)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(serverLog.toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping WildFly (mail still queued stays in its spool)...");
            stop(server);
            relay.close();
        }, "postrelay-demo-stop"));

        URI page = URI.create("http://127.0.0.1:" + (8080 + offset) + ExampleApp.CONTEXT);
        awaitPage(page, server, serverLog);
        System.out.println();
        System.out.println("Postrelay runs in WildFly " + home.getFileName() + ". Open " + page);
        System.out.println("  send a message from the form; the page lists the queue and the deliveries.");
        System.out.println("  server log: " + serverLog + " (the mail log lines are category org.postrelay.maillog)");
        System.out.println("  console:    http://127.0.0.1:" + (9990 + offset)
                + " (add a user with bin/add-user.sh), Configuration > Subsystems > Resource Adapters > postrelay.rar");
        System.out.println("Ctrl-C stops the demo.");
        System.out.println();
        printArrivals(relay, server);
    }

    private static void runCli(Path home, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "bin/jboss-cli.sh"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_OPTS", "-Xms64m -Xmx256m");
        Process cli = builder.start();
        String output = new String(cli.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int exit = cli.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("jboss-cli " + String.join(" ", arguments) + " exited with " + exit
                    + ":\n" + output);
        }
    }

    private static void awaitPage(URI page, Process server, Path serverLog) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("WildFly exited with " + server.exitValue() + "; see " + serverLog);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(page.resolve("api/queue"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the example page did not answer within " + BOOT + "; see " + serverLog);
    }

    /** Prints each message as the relayhost receives it, while the server runs. */
    private static void printArrivals(SmtpSink relay, Process server) throws InterruptedException {
        int shown = 0;
        while (server.isAlive()) {
            List<SmtpSink.Received> received = relay.messages();
            for (; shown < received.size(); shown++) {
                SmtpSink.Received r = received.get(shown);
                System.out.println("arrived at the relayhost: MAIL FROM:<" + r.sender() + "> RCPT TO:" + r.recipients()
                        + " " + subjectOf(r.data()));
            }
            server.waitFor(500, TimeUnit.MILLISECONDS);
        }
        System.out.println("WildFly stopped (exit " + server.exitValue() + ").");
    }

    private static String subjectOf(String data) {
        for (String line : data.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, "Subject:", 0, 8)) {
                return line;
            }
        }
        return "(no subject)";
    }

    /** Stops the server (the script and the JVM it started) and waits for it. */
    private static void stop(Process server) {
        List<ProcessHandle> all = new ArrayList<>(server.descendants().toList());
        all.add(server.toHandle());
        all.forEach(ProcessHandle::destroy);                  // SIGTERM: WildFly shuts down cleanly
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
