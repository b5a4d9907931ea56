package org.postrelay.queue;

import java.io.IOException;

/**
 * The accept journal has no segment to take a record (a new one cannot be made: disk full or
 * unwritable); nothing of the record was written, so the committer can take the direct path instead.
 */
final class JournalUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
