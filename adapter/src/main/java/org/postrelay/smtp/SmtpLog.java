package org.postrelay.smtp;

import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the SMTP client's own mail-log lines go (the TLS summary, TLS and SASL trouble), in Postfix's
 * wording without the "postrelay/smtp[pid]:" tag: the engine passes its maillog, tests and other
 * callers get the {@code org.postrelay.smtp} logger.
 */
public interface SmtpLog {

    /** An informational line, e.g. "Trusted TLS connection established to h[a]:25: ...". */
    void info(String text);

    /** A problem worth an admin's attention; the maillog prefixes "warning: ". */
    void warning(String text);

    /** Lines to the package logger: INFO and WARNING. */
    static SmtpLog logger() {
        Logger logger = Logger.getLogger("org.postrelay.smtp");
        return of(text -> logger.log(Level.INFO, text), text -> logger.log(Level.WARNING, text));
    }

    static SmtpLog of(Consumer<String> info, Consumer<String> warning) {
        return new SmtpLog() {
            @Override
            public void info(String text) {
                info.accept(text);
            }

            @Override
            public void warning(String text) {
                warning.accept(text);
            }
        };
    }
}
