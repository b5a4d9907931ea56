package org.postrelay.queue;

import java.io.IOException;

/**
 * A queue file that cannot be parsed: truncated, garbled, or not a queue file at all. The caller
 * moves it to corrupt/ with {@link Spool#moveToCorrupt}; it is never deleted.
 */
public class CorruptQueueFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public CorruptQueueFileException(String message) {
        super(message);
    }

    public CorruptQueueFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
