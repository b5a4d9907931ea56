package org.postrelay.master;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;

/**
 * The standalone daemon's process, Postfix's master in the foreground: the engine on the
 * configuration directory's main.cf, plus every {@link DaemonService} on the class path (smtpd),
 * until SIGTERM or SIGINT; then the services stop, deliveries in flight finish (or their messages
 * stay queued) and the process exits. {@code postrelay start} runs it in the background.
 */
public final class Daemon {

    private Daemon() {
    }

    /** {@code Daemon CONFIG_DIRECTORY}: runs until signalled. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: org.postrelay.master.Daemon config_directory");
            System.exit(64);
        }
        Path configDirectory = Path.of(args[0]).toAbsolutePath();
        Config config = Config.load(configDirectory,
                Map.of(Parameters.CONFIG_DIRECTORY.name(), configDirectory.toString()));
        Master master = Master.start(config);
        List<AutoCloseable> services = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(services, master);
            stopped.countDown();
        }, "postrelay-shutdown"));
        try {
            for (DaemonService service : ServiceLoader.load(DaemonService.class)) {
                services.add(service.start(master, configDirectory));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("postrelay: fatal: cannot start: " + e.getMessage());
            System.exit(1);                              // the shutdown hook stops what started
        }
        stopped.await();
    }

    private static void stop(List<AutoCloseable> services, Master master) {
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (Exception e) {
                System.err.println("postrelay: warning: stopping a service: " + e);
            }
        }
        master.close();
    }
}
