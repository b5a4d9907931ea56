package org.postrelay.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Source of a queued message's bytes (RFC 5322, CRLF), streamed from the spool each time it is
 * opened; the SMTP client sends them as they are.
 */
public interface MessageSource {

    InputStream open() throws IOException;

    long size();

    /**
     * When the message entered the queue, if known: a failed opportunistic TLS handshake is retried
     * in clear text only for a message that waited minimal_backoff_time (as Postfix does).
     */
    default Optional<Instant> arrivalTime() {
        return Optional.empty();
    }

    /** A message held in memory (tests, notices). */
    static MessageSource of(byte[] content) {
        byte[] copy = content.clone();
        return new MessageSource() {
            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(copy);
            }

            @Override
            public long size() {
                return copy.length;
            }
        };
    }

    /** {@code length} bytes of a file from {@code offset}, streamed, never loaded whole. */
    static MessageSource ofFile(Path file, long offset, long length) {
        return new FileMessageSource(file, offset, length);
    }
}
