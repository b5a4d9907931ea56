package org.postrelay.master;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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

    /** Lines queued and not yet appended beyond which a caller waits (memory stays bounded). */
    private static final int MAX_QUEUED = 100_000;
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();   // in the order they were logged
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile Thread writer;                          // the writer task's thread while it runs
    private volatile boolean writerParked;
    private volatile boolean stopping;
    private volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, null, null);

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
        String line = stamp(clock.instant()) + prefix + tag + text + "\n";
        if (writer != null) {
            while (queued.get() - written.get() > MAX_QUEUED && writer != null) {
                LockSupport.parkNanos(1_000_000);        // the disk is far behind
            }
            lines.add(line);                             // no lock: a logging thread never waits
            queued.incrementAndGet();
            Thread w = writer;
            if (writerParked && w != null) {
                LockSupport.unpark(w);
            }
            if (writer != null || lines.isEmpty()) {
                return;
            }
            drain();                                     // the writer stopped meanwhile: write it here
            return;
        }
        append(line);
    }

    /** The time stamp of a line; formatted once per second (every line of a busy second shares it). */
    private String stamp(Instant now) {
        ZoneId zone = ZoneId.systemDefault();
        Stamp s = lastStamp;
        if (s.epochSecond() != now.getEpochSecond() || !zone.equals(s.zone())) {
            s = new Stamp(now.getEpochSecond(), zone, STAMP.format(ZonedDateTime.ofInstant(now, zone)));
            lastStamp = s;
        }
        return s.text();
    }

    private record Stamp(long epochSecond, ZoneId zone, String text) {
    }

    private synchronized void append(String text) {
        appendUnlocked(text);
    }

    /** One write; the caller holds this object's monitor. */
    private void appendUnlocked(String text) {
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
        if (file == null || stopping) {
            return;
        }
        try {
            background.execute(this::writer);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "maillog: no writer task (" + e + "); lines are written as they come");
        }
    }

    private void writer() {
        writer = Thread.currentThread();
        try {
            while (!stopping) {
                if (lines.isEmpty()) {
                    writerParked = true;
                    if (lines.isEmpty() && !stopping) {  // a line queued after the check unparks us
                        LockSupport.parkNanos(100_000_000);
                    }
                    writerParked = false;
                    continue;
                }
                drain();
            }
        } finally {
            writer = null;
            drain();                                     // what came before the stop
        }
    }

    /** Appends every queued line, in order, in as few writes as it takes. */
    private synchronized void drain() {
        StringBuilder chunk = new StringBuilder();
        long n = 0;
        for (String line = lines.poll(); line != null; line = lines.poll()) {
            chunk.append(line);
            n++;
            if (chunk.length() > 256 * 1024) {
                appendUnlocked(chunk.toString());
                chunk.setLength(0);
            }
        }
        if (chunk.length() > 0) {
            appendUnlocked(chunk.toString());
        }
        written.addAndGet(n);
    }

    /** Returns once every line logged before the call is in maillog_file. */
    public void flush() {
        long target = queued.get();
        while (written.get() < target) {
            if (writer == null) {
                drain();
            } else {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** Writes what is queued (the writer task stops) and closes maillog_file. */
    @Override
    public void close() {
        stopping = true;
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (writer != null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        drain();
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
