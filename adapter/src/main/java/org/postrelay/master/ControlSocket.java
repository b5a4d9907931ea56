package org.postrelay.master;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.postrelay.qmgr.QueueManager;
import org.postrelay.queue.QueueAction;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;

/**
 * The running engine's door for the admin commands, Postfix's {@code public/qmgr}: a UNIX-domain
 * socket at {@code $queue_directory/public/qmgr} (inside the spool, so only the spool's owner can
 * use it). One request line per connection, one reply line:
 * <pre>
 * flush                          -> ok 0            (postqueue -f)
 * super HOLD incoming,deferred ALL  -> ok 3         (postsuper -h ALL)
 * super DELETE hold 0661150A2F09C18FE0 ... -> ok 1  (postsuper -d ID)
 * ping                           -> ok PID
 * anything else                  -> error TEXT
 * </pre>
 * Requests run on qmgr's loop (see {@link QueueManager#administer}), never beside a delivery.
 */
public final class ControlSocket implements AutoCloseable {

    private final Path path;
    private final ServerSocketChannel server;
    private final QueueManager queueManager;
    private final Maillog maillog;

    private ControlSocket(Path path, ServerSocketChannel server, QueueManager queueManager, Maillog maillog) {
        this.path = path;
        this.server = server;
        this.queueManager = queueManager;
        this.maillog = maillog;
    }

    /** The socket of a spool. */
    public static Path path(Path queueDirectory) {
        return queueDirectory.resolve("public").resolve("qmgr");
    }

    /**
     * Binds the socket (a stale one from a dead engine is replaced: the caller holds the master
     * lock) and starts answering. Null, with a warning, when it cannot bind: the engine runs on,
     * only the admin commands cannot reach it.
     */
    static ControlSocket open(Path queueDirectory, QueueManager queueManager, Maillog maillog, Executor longRunning) {
        Path path = path(queueDirectory);
        try {
            PrivateFiles.directories(path.getParent());
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(path));
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            ControlSocket socket = new ControlSocket(path, server, queueManager, maillog);
            try {
                longRunning.execute(socket::serve);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            maillog.warning("master", "cannot open " + path + ": " + e.getMessage()
                    + " (postqueue -f and postsuper cannot reach this engine)");
            return null;
        }
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                        StandardCharsets.UTF_8));
                String request = in.readLine();
                String reply = request == null ? "error empty request" : answer(request.strip());
                OutputStream out = Channels.newOutputStream(client);
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                if (server.isOpen()) {
                    maillog.warning("master", "control request on " + path + " failed: " + e.getMessage());
                }
            }
        }
    }

    private String answer(String request) {
        List<String> words = List.of(request.split(" +"));
        try {
            switch (words.get(0)) {
                case "ping":
                    return "ok " + ProcessHandle.current().pid();
                case "flush":
                    queueManager.flush();
                    return "ok 0";
                case "super":
                    if (words.size() < 4) {
                        return "error usage: super ACTION QUEUE[,QUEUE...] ID...|ALL";
                    }
                    QueueAction action = QueueAction.valueOf(words.get(1));
                    Set<QueueName> queues = EnumSet.noneOf(QueueName.class);
                    for (String q : words.get(2).split(",")) {
                        queues.add(QueueName.valueOf(q.toUpperCase(java.util.Locale.ROOT)));
                    }
                    Set<QueueId> ids = null;
                    if (!(words.size() == 4 && words.get(3).equals("ALL"))) {
                        ids = new HashSet<>();
                        for (String id : words.subList(3, words.size())) {
                            ids.add(QueueId.parse(id));
                        }
                    }
                    return "ok " + queueManager.administer(action, queues, ids);
                default:
                    return "error unknown request: " + words.get(0);
            }
        } catch (IllegalArgumentException e) {
            return "error bad request \"" + request + "\": " + e.getMessage();
        } catch (IOException e) {
            return "error " + e.getMessage();
        }
    }

    /** Stops answering and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            maillog.warning("master", "cannot remove " + path + ": " + e.getMessage());
        }
    }

    /**
     * Client side, for the admin commands: sends one request and returns the reply line.
     *
     * @throws IOException when no engine answers on the spool (not running)
     */
    public static String request(Path queueDirectory, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path(queueDirectory)))) {
            channel.write(java.nio.ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            String reply = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8)).readLine();
            if (reply == null) {
                throw new IOException("no reply from " + path(queueDirectory));
            }
            return reply;
        }
    }
}
