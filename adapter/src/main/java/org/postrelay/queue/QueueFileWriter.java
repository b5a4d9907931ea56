package org.postrelay.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes one new queue file in incoming/ (or prepared/): envelope records, the streamed content, then
 * at commit the patched content length and END. A message that fits the buffer (64 KiB) and goes to
 * incoming/ of a spool with a journal is written unforced and its image journaled (group commit:
 * one fdatasync per batch); any other is forced, then its directory is fsynced (shared with
 * concurrent committers). The buffer starts small and grows, so a small message costs one write(2).
 */
final class QueueFileWriter implements SpoolWriter {

    private static final Logger LOG = Logger.getLogger("org.postrelay.queue");
    private static final int BUFFER = 64 * 1024;

    private enum State { OPEN, COMMITTED, ABORTED }

    private final Spool spool;
    private final DirectorySync directorySync;         // of the directory the file is in
    private final QueueId id;
    private final Path file;
    private FileChannel channel;                      // null until made (journaled: maybe never here)
    private final Journal journal;                    // null: force the file itself
    private byte[] buffer;
    private int buffered;                             // bytes in buffer
    private final long contentLengthField;            // offset of the placeholder to patch
    private final long contentStart;
    private final Content content = new Content();
    private long flushed;                             // bytes already written to the file
    private long committedLength = -1;                // content length once END is written
    private State state = State.OPEN;

    QueueFileWriter(Spool spool, QueueId id, Path file, FileChannel channel, byte[] header,
                    DirectorySync directorySync, Journal journal) throws IOException {
        this.directorySync = directorySync;
        this.journal = journal;
        this.buffer = new byte[Math.min(BUFFER, Math.max(4096, Integer.highestOneBit(header.length + 2048) << 1))];
        this.spool = spool;
        this.id = id;
        this.file = file;
        this.channel = channel;
        this.contentStart = header.length;
        this.contentLengthField = header.length - 8L;
        append(header, 0, header.length);
    }

    @Override
    public QueueId id() {
        return id;
    }

    @Override
    public OutputStream content() {
        return content;
    }

    @Override
    public long contentBytes() {
        if (committedLength >= 0) {
            return committedLength;
        }
        return flushed + buffered - contentStart;
    }

    @Override
    public QueueId commit() throws IOException {
        if (state == State.COMMITTED) {
            return id;
        }
        if (state == State.ABORTED) {
            throw new IOException("commit queue file " + id + ": already aborted (file " + file + ")");
        }
        try {
            long length = contentBytes();
            committedLength = length;
            if (flushed <= contentLengthField) {
                putLong(buffer, (int) (contentLengthField - flushed), length);   // still in the buffer
            } else {
                ByteBuffer patch = ByteBuffer.allocate(8).putLong(0, length);
                writeFully(patch, contentLengthField);
            }
            ByteBuffer end = QueueFile.endRecord(flushed + buffered);
            append(end.array(), 0, end.remaining());
            if (journal != null && channel == null) {    // the complete file is in the buffer
                JournalEntry entry;
                try {
                    entry = journal.append(id, buffer, buffered);
                } catch (JournalUnavailableException e) {
                    entry = null;                        // no segment (disk full?): nothing written there
                    LOG.fine(id + ": journal unavailable, written as a single file: " + e.getMessage());
                }
                if (entry != null) {                     // durable: the file writer makes the file
                    state = State.COMMITTED;
                    spool.committed(id, false);
                    journal.fileWanted(entry, buffer, buffered);
                    return id;
                }
            }
            flush();                                     // the direct path: this file, forced
            channel.force(true);
            channel.close();
            directorySync.sync();
        } catch (IOException e) {
            abort();
            throw Spool.failure("commit queue file", id, file, e);
        }
        state = State.COMMITTED;
        spool.committed(id, true);
        return id;
    }

    private static void putLong(byte[] b, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        if (channel == null) {
            spool.aborted(id);                           // nothing on disk yet
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, id + ": closing aborted queue file " + file, e);
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning(id + ": cannot remove aborted queue file " + file + ": " + e
                    + " (recovery removes it at the next start: it has no END record)");
            spool.partialLeft();
        }
        spool.aborted(id);
    }

    @Override
    public void close() {
        abort();
    }

    private void append(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (buffered == buffer.length) {
                if (buffer.length < BUFFER) {
                    buffer = Arrays.copyOf(buffer, Math.min(BUFFER, Math.max(buffer.length * 2, buffered + len)));
                } else {
                    flush();
                }
            }
            if (buffered == 0 && len >= BUFFER) {
                openFile();
                writeFully(ByteBuffer.wrap(b, off, len), flushed);   // large write: skip the copy
                flushed += len;
                return;
            }
            int room = buffer.length - buffered;
            if (room < len && buffer.length < BUFFER) {
                buffer = Arrays.copyOf(buffer, Math.min(BUFFER, Math.max(buffer.length * 2, buffered + len)));
                room = buffer.length - buffered;
            }
            int n = Math.min(len, room);
            System.arraycopy(b, off, buffer, buffered, n);
            buffered += n;
            off += n;
            len -= n;
        }
    }

    /** Writes the buffer out; its bytes stay in it (the journal takes them from there at commit). */
    private void flush() throws IOException {
        openFile();
        if (buffered > 0) {
            writeFully(ByteBuffer.wrap(buffer, 0, buffered), flushed);
            flushed += buffered;
            buffered = 0;
        }
    }

    /** Makes the file if it is not there yet: the message outgrew the buffer, or the journal refused it. */
    private void openFile() throws IOException {
        if (channel == null) {
            channel = spool.createQueueFile(file);
        }
    }

    private void writeFully(ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
    }

    /** The content stream: close() only flushes to the buffer owner (commit decides). */
    private final class Content extends OutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (state != State.OPEN) {
                throw new IOException("write queue file " + id + ": already " + state.name().toLowerCase()
                        + " (file " + file + ")");
            }
            try {
                append(b, off, len);
            } catch (IOException e) {
                abort();                     // a full disk leaves nothing half-written behind
                throw Spool.failure("write queue file", id, file, e);
            }
        }
    }
}
