package org.postrelay.master;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;

/**
 * The mail log: one line per event in Postfix's shape
 * ({@code Nov 25 07:11:00 host postrelay/smtp[1234]: 3F2A81C0E4: to=<...>, ... status=sent (...)}),
 * written to {@code maillog_file} when set (as Postfix 3.4+'s postlogd does), else to the logger
 * {@code org.postrelay.maillog}, so grep and pflogsumm keep working.
 */
public final class Maillog implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger("org.postrelay.maillog");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.US);

    private final Clock clock;
    private final String prefix;
    private final String syslogName;
    private final long pid = ProcessHandle.current().pid();
    private final BufferedWriter file;

    private Maillog(Clock clock, String host, String syslogName, BufferedWriter file) {
        this.clock = clock;
        this.prefix = " " + host + " ";
        this.syslogName = syslogName;
        this.file = file;
    }

    /** Opens {@code maillog_file} for appending, or logs through java.util.logging when it is empty. */
    public static Maillog open(Config config, Clock clock) throws IOException {
        String path = config.get(Parameters.MAILLOG_FILE);
        BufferedWriter writer = null;
        if (!path.isEmpty()) {
            Path file = Path.of(path);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
        return new Maillog(clock, config.get(Parameters.MYHOSTNAME), config.get(Parameters.SYSLOG_NAME), writer);
    }

    /** Logs an informational line for a daemon role ("smtp", "qmgr", "cleanup", "bounce", ...). */
    public void log(String role, String text) {
        write(role, text, Level.INFO);
    }

    /** Logs a recoverable problem, as Postfix's "warning: ..." lines. */
    public void warning(String role, String text) {
        write(role, "warning: " + text, Level.WARNING);
    }

    private void write(String role, String text, Level level) {
        String tag = syslogName + "/" + role + "[" + pid + "]: ";
        if (file == null) {
            LOGGER.log(level, tag + text);
            return;
        }
        String line = STAMP.format(ZonedDateTime.ofInstant(clock.instant(), ZoneId.systemDefault()))
                + prefix + tag + text + "\n";
        synchronized (this) {
            try {
                file.write(line);
                file.flush();
            } catch (IOException e) {
                LOGGER.log(Level.WARNING, "cannot write maillog_file: " + e.getMessage() + "; line was: " + line);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing maillog_file", e);
            }
        }
    }
}
