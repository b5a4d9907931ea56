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
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;

/**
 * The mail log: one line per event in Postfix's shape
 * ({@code Nov 25 07:11:00 host postrelay/smtp[1234]: 3F2A81C0E4: to=<...>, ... status=sent (...)}),
 * written to {@code maillog_file} when set (as Postfix 3.4+'s postlogd does), else to the logger
 * {@code org.postrelay.maillog}, so grep and pflogsumm keep working. Once a writer task runs
 * ({@link #startWriter}), logging never waits for the disk (a file append can stall for
 * milliseconds behind the file system's journal): lines are queued in order and the writer appends
 * them in batches, as Postfix's processes hand their lines to syslog.
 */
public final class Maillog implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger("org.postrelay.maillog");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.US);

    private final Clock clock;
    private final String prefix;
    private final String syslogName;
    private final long pid = ProcessHandle.current().pid();
    private final BufferedWriter file;

    /** Queued text the writer task has not appended yet (bounded: a caller waits beyond it). */
    private static final int MAX_PENDING = 4 << 20;
    private final Object queue = new Object();
    private StringBuilder pending = new StringBuilder();    // guarded by queue
    private long queued;                                     // lines queued so far, guarded by queue
    private long written;                                    // lines the writer appended, guarded by queue
    private boolean writerRunning;                           // guarded by queue
    private boolean writerIdle;                              // guarded by queue
    private boolean stopping;                                // guarded by queue

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
        synchronized (queue) {
            if (writerRunning) {
                while (pending.length() > MAX_PENDING && writerRunning) {
                    waitOn(queue);                   // the disk is far behind: keep memory bounded
                }
                if (writerRunning) {
                    pending.append(line);
                    queued++;
                    if (writerIdle) {
                        queue.notifyAll();
                    }
                    return;
                }
            }
        }
        append(line);
    }

    private synchronized void append(String text) {
        try {
            file.write(text);
            file.flush();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "cannot write maillog_file: " + e.getMessage() + "; lines were: " + text);
        }
    }

    /**
     * Hands the appends to a long-running task on {@code background} (the engine's workers); until
     * then, and without maillog_file, each line is written by the thread that logs it.
     */
    public void startWriter(Executor background) {
        if (file == null) {
            return;
        }
        synchronized (queue) {
            if (writerRunning || stopping) {
                return;
            }
            writerRunning = true;
        }
        try {
            background.execute(this::writer);
        } catch (RuntimeException e) {
            synchronized (queue) {
                writerRunning = false;
            }
            LOGGER.log(Level.WARNING, "maillog: no writer task (" + e + "); lines are written as they come");
        }
    }

    private void writer() {
        while (true) {
            String chunk;
            long upTo;
            synchronized (queue) {
                while (pending.length() == 0 && !stopping) {
                    writerIdle = true;
                    waitOn(queue);
                    writerIdle = false;
                }
                if (pending.length() == 0) {
                    writerRunning = false;
                    queue.notifyAll();
                    return;
                }
                chunk = pending.toString();
                pending = new StringBuilder(Math.min(chunk.length(), 64 * 1024));
                upTo = queued;
            }
            append(chunk);
            synchronized (queue) {
                written = upTo;
                queue.notifyAll();
            }
        }
    }

    /** Returns once every line logged before the call is in maillog_file. */
    public void flush() {
        synchronized (queue) {
            long target = queued;
            while (writerRunning && written < target) {
                waitOn(queue);
            }
        }
    }

    private static void waitOn(Object monitor) {
        try {
            monitor.wait(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued (the writer task stops) and closes maillog_file. */
    @Override
    public void close() {
        String left;
        synchronized (queue) {
            stopping = true;
            queue.notifyAll();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (writerRunning && System.nanoTime() < deadline) {
                waitOn(queue);
            }
            writerRunning = false;                   // a writer task that never ran: write the rest here
            left = pending.toString();
            pending.setLength(0);
        }
        if (!left.isEmpty()) {
            append(left);
        }
        closeFile();
    }

    private synchronized void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing maillog_file", e);
            }
        }
    }
}
