package org.postrelay.testing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails every test during which one of the {@link TestPasswords} reached a log record (any
 * java.util.logging logger down to FINE, Angus Mail's and Postrelay's alike; the mail log goes there
 * too when maillog_file is empty) or the test JVM's standard output or error (Angus's protocol
 * trace). Applied to every test of the adapter and standalone modules through JUnit's extension
 * auto-detection (META-INF/services and junit-platform.properties); nothing to add to a test.
 * Records of the test SMTP servers (org.subethamail, the peer: it sees passwords by design) are
 * left out.
 */
public final class PasswordLeakCheck implements AfterEachCallback {

    private static final List<String> FORMS = TestPasswords.leakForms();
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final Logger ROOT = Logger.getLogger("");       // held: JUL keeps loggers weakly

    static {
        if (!ROOT.isLoggable(Level.FINE)) {
            ROOT.setLevel(Level.FINE);                 // the console handler keeps its own INFO threshold
        }
        ROOT.addHandler(new LeakHandler());
        System.setOut(new PrintStream(new Scanning(System.out, "standard output"), true));
        System.setErr(new PrintStream(new Scanning(System.err, "standard error"), true));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (LEAKS.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder("a test password appeared in the logs during "
                + context.getDisplayName() + ":");
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            b.append("\n  ").append(leak);
        }
        throw new AssertionError(b.toString());
    }

    /** The leaks seen since the last call, cleared (for the check's own test). */
    static List<String> drain() {
        List<String> seen = new java.util.ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            seen.add(leak);
        }
        return seen;
    }

    /** Where it leaked, with the password masked so the report is no leak itself. */
    private static void check(String text, String where) {
        for (String form : FORMS) {
            int at = text.indexOf(form);
            if (at >= 0) {
                String line = text.substring(Math.max(0, at - 80), Math.min(text.length(), at + form.length() + 40))
                        .replace(form, "*".repeat(8));
                LEAKS.add(where + ": ..." + line.replaceAll("\\s+", " ") + "...");
            }
        }
    }

    private static final class LeakHandler extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();

        LeakHandler() {
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            String name = record.getLoggerName() == null ? "" : record.getLoggerName();
            if (name.startsWith("org.subethamail")) {
                return;
            }
            String text;
            try {
                text = formatter.format(record);
            } catch (RuntimeException e) {
                text = String.valueOf(record.getMessage());
            }
            check(text, "log record of " + name);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** Passes bytes through and looks at each line (and at long runs without a line end). */
    private static final class Scanning extends OutputStream {
        private static final int KEEP = 256;
        private final PrintStream out;
        private final String where;
        private final StringBuilder pending = new StringBuilder();

        Scanning(PrintStream out, String where) {
            this.out = out;
            this.where = where;
        }

        @Override
        public void write(int b) {
            out.write(b);
            append(new String(new byte[] {(byte) b}, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
            append(new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
            out.flush();
        }

        private synchronized void append(String s) {
            pending.append(s);
            int nl = pending.lastIndexOf("\n");
            if (nl >= 0 || pending.length() > 65536) {
                check(pending.toString(), where);
                // keep a tail so that a password split across writes is still seen once whole
                String tail = pending.substring(Math.max(nl + 1, pending.length() - KEEP));
                pending.setLength(0);
                pending.append(tail);
            }
        }
    }
}
