package org.postrelay.queue;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * One pass over a queue directory, read entry by entry as it is consumed (Postfix's scan_dir):
 * memory stays constant whatever the directory holds, and the caller may stop, do other work and
 * come back. Names that are not queue ids are skipped (and logged by the spool). Entries renamed
 * into or out of the directory during the pass may or may not be returned, as with readdir(3);
 * the others are returned once.
 */
public final class QueueListing implements Closeable {

    private final Spool spool;
    private final QueueName queue;
    private final DirectoryStream<Path> entries;
    private final Iterator<Path> iterator;

    QueueListing(Spool spool, QueueName queue, DirectoryStream<Path> entries) {
        this.spool = spool;
        this.queue = queue;
        this.entries = entries;
        this.iterator = entries.iterator();
    }

    /** The next queue id of the pass, or null at its end (the listing is closed then). */
    public QueueId next() throws IOException {
        try {
            while (iterator.hasNext()) {
                QueueId id = spool.queueIdOf(queue, iterator.next());
                if (id != null) {
                    return id;
                }
            }
        } catch (DirectoryIteratorException e) {
            close();
            throw new IOException("scan queue " + queue.directoryName() + ": " + Spool.reason(e.getCause()), e.getCause());
        }
        close();
        return null;
    }

    @Override
    public void close() throws IOException {
        entries.close();
    }
}
