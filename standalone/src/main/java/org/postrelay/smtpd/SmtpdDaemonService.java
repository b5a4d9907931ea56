package org.postrelay.smtpd;

import java.io.IOException;
import java.nio.file.Path;
import org.postrelay.master.DaemonService;
import org.postrelay.master.Master;

/**
 * smtpd as a part of the standalone daemon: one listener per {@code inet ... smtpd} line of the
 * configuration directory's master.cf (port 25 without one), started with the engine, stopped
 * before it. Registered in META-INF/services, so {@link org.postrelay.master.Daemon} finds it.
 */
public final class SmtpdDaemonService implements DaemonService {

    @Override
    public String name() {
        return "smtpd";
    }

    @Override
    public AutoCloseable start(Master master, Path configDirectory) throws IOException {
        // master.config() has config_directory = configDirectory: the Daemon sets it
        Smtpd smtpd = Smtpd.fromMasterCf(master.config(), master.submission(), master.maillog());
        smtpd.start();
        return smtpd;
    }
}
