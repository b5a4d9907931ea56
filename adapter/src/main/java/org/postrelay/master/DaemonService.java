package org.postrelay.master;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A part of the standalone daemon beside the engine, started for each run (the SMTP server, from
 * the standalone module). Found with {@link java.util.ServiceLoader}, so the engine does not depend
 * on it; an implementation reads its own lines of master.cf in the configuration directory.
 */
public interface DaemonService {

    /** Its name in logs and master.cf, e.g. "smtpd". */
    String name();

    /**
     * Starts it against the running engine.
     *
     * @return what stops it (called before the engine stops)
     */
    AutoCloseable start(Master master, Path configDirectory) throws IOException;
}
