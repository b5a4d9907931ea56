package org.postrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;

/**
 * A Postfix instance of the benchmark's own, beside (never instead of) the system's: its
 * main.cf/master.cf, queue_directory and data_directory under a temp directory, started with
 * {@code postfix -c DIR start} and stopped at the end. Configured as a null client the way the
 * Postrelay daemon is: relayhost, myorigin, mydestination empty, loopback only, smtpd on a free
 * port in master.cf; no chroot (the queue is not the stock one); the mail log in a file.
 */
final class PostfixInstance implements AutoCloseable {

    /** Debian's master.cf services a null client uses, without chroot and without local delivery. */
    private static final String SERVICES = """
            pickup    unix  n       -       n       60      1       pickup
            cleanup   unix  n       -       n       -       0       cleanup
            qmgr      unix  n       -       n       300     1       qmgr
            tlsmgr    unix  -       -       n       1000?   1       tlsmgr
            rewrite   unix  -       -       n       -       -       trivial-rewrite
            bounce    unix  -       -       n       -       0       bounce
            defer     unix  -       -       n       -       0       bounce
            trace     unix  -       -       n       -       0       bounce
            verify    unix  -       -       n       -       1       verify
            flush     unix  n       -       n       1000?   0       flush
            proxymap  unix  -       -       n       -       -       proxymap
            proxywrite unix -       -       n       -       1       proxymap
            smtp      unix  -       -       n       -       -       smtp
            relay     unix  -       -       n       -       -       smtp
            showq     unix  n       -       n       -       -       showq
            error     unix  -       -       n       -       -       error
            retry     unix  -       -       n       -       -       error
            discard   unix  -       -       n       -       -       discard
            anvil     unix  -       -       n       -       1       anvil
            scache    unix  -       -       n       -       1       scache
            postlog   unix-dgram n  -       n       -       1       postlogd
            """;

    private final Path base;
    private final Path config;
    private final Path queue;
    private final int smtpdPort;
    private boolean started;

    private PostfixInstance(Path base, int smtpdPort) {
        this.base = base;
        this.config = base.resolve("etc");
        this.queue = base.resolve("spool");
        this.smtpdPort = smtpdPort;
    }

    static PostfixInstance create(Path base, int smtpdPort, int relayPort) throws IOException {
        PostfixInstance p = new PostfixInstance(base, smtpdPort);
        Files.createDirectories(p.config);
        Files.createDirectories(p.queue);
        Path data = Files.createDirectories(base.resolve("data"));
        // the unprivileged daemons walk down to their queue: the temp directory must let them through
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal postfix = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix");
        Files.setOwner(data, postfix);
        Files.writeString(p.config.resolve("main.cf"), String.join("\n",
                "# the benchmark's own Postfix instance: a null client relaying to smtp-sink",
                "compatibility_level = 3.6",
                "queue_directory = " + p.queue,
                "data_directory = " + data,
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "myhostname = bench.example.com",
                "myorigin = bench.example.com",
                "mydestination =",
                "relayhost = [127.0.0.1]:" + relayPort,
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "local_transport = error:local delivery is disabled",
                "alias_maps =",
                "alias_database =",
                "biff = no",
                "maillog_file = " + base.resolve("maillog"),
                "maillog_file_prefixes = " + base,
                ""));
        Files.writeString(p.config.resolve("master.cf"),
                "127.0.0.1:" + smtpdPort + " inet n - n - - smtpd\n" + SERVICES);
        return p;
    }

    Path configDirectory() {
        return config;
    }

    int smtpdPort() {
        return smtpdPort;
    }

    /** The directories that hold mail not yet delivered. */
    List<Path> queueDirectories() {
        return List.of(queue.resolve("maildrop"), queue.resolve("incoming"), queue.resolve("active"),
                queue.resolve("deferred"));
    }

    void start() throws IOException, InterruptedException {
        postfix("start");
        started = true;
        Bench.awaitListening(smtpdPort, "Postfix's smtpd");
    }

    long masterPid() throws IOException {
        return Long.parseLong(Files.readString(queue.resolve("pid/master.pid")).trim());
    }

    private void postfix(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("postfix", "-c", config.toString(), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            Path log = base.resolve("maillog");
            String tail = Files.exists(log) ? Files.readString(log) : "";
            throw new IOException("postfix -c " + config + " " + command + " failed: " + out + "\n" + tail);
        }
    }

    @Override
    public void close() {
        if (started) {
            try {
                postfix("stop");
            } catch (IOException | InterruptedException e) {
                System.err.println("bench: cannot stop the benchmark's Postfix: " + e);
            }
            started = false;
        }
    }
}
