package org.postrelay.queue;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One message being written into incoming/: the caller streams the content, then commits (durable
 * on return) or aborts (nothing left behind). Used by one thread.
 */
public interface SpoolWriter extends AutoCloseable {

    QueueId id();

    /** Raw message bytes, the caller already CRLF-normalised; closing it does not commit. */
    OutputStream content();

    /** Content bytes written so far. */
    long contentBytes();

    /** Writes the END record, forces the file, then (group commit) the directory; durable on return. */
    QueueId commit() throws IOException;

    /** Removes the partial file; idempotent, never throws. */
    void abort();

    /** {@link #abort()} if not committed. */
    @Override
    void close();
}
