package org.postrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Postrelay daemon as an admin runs it: {@code src/bin/postrelay -c DIR start}, with a main.cf
 * like the Postfix instance's and a master.cf smtpd line on a free port; stopped at the end.
 */
final class PostrelayDaemon implements AutoCloseable {

    private final Path bin;
    private final Path config;
    private final Path queue;
    private final int smtpdPort;
    private boolean started;

    private PostrelayDaemon(Path bin, Path base, int smtpdPort) {
        this.bin = bin;
        this.config = base.resolve("etc");
        this.queue = base.resolve("spool");
        this.smtpdPort = smtpdPort;
    }

    static PostrelayDaemon create(Path home, Path base, int smtpdPort, int relayPort) throws IOException {
        PostrelayDaemon d = new PostrelayDaemon(home.resolve("src/bin"), base, smtpdPort);
        Files.createDirectories(d.config);
        Files.writeString(d.config.resolve("main.cf"), String.join("\n",
                "# the benchmark's Postrelay daemon: a null client relaying to smtp-sink",
                "queue_directory = " + d.queue,
                "myhostname = bench.example.com",
                "myorigin = bench.example.com",
                "mydestination =",
                "relayhost = [127.0.0.1]:" + relayPort,
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "local_transport = error:local delivery is disabled",
                "maillog_file = " + base.resolve("maillog"),
                ""));
        Files.writeString(d.config.resolve("master.cf"), "127.0.0.1:" + smtpdPort + " inet n - n - - smtpd\n");
        return d;
    }

    Path configDirectory() {
        return config;
    }

    Path bin() {
        return bin;
    }

    int smtpdPort() {
        return smtpdPort;
    }

    List<Path> queueDirectories() {
        return List.of(queue.resolve("maildrop"), queue.resolve("incoming"), queue.resolve("active"),
                queue.resolve("deferred"));
    }

    void start() throws IOException, InterruptedException {
        run("start");
        started = true;
        Bench.awaitListening(smtpdPort, "Postrelay's smtpd");
    }

    long pid() throws IOException {
        return Long.parseLong(Files.readString(queue.resolve("pid/master.pid")).trim());
    }

    private void run(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(bin.resolve("postrelay").toString(), "-c", config.toString(), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("src/bin/postrelay -c " + config + " " + command + " failed: " + out);
        }
    }

    @Override
    public void close() {
        if (started) {
            try {
                run("stop");
            } catch (IOException | InterruptedException e) {
                System.err.println("bench: cannot stop the benchmark's Postrelay daemon: " + e);
            }
            started = false;
        }
    }
}
