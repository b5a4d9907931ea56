package org.postrelay.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes one new queue file in incoming/ (or prepared/): envelope records, the streamed content, then at commit
 * the patched content length and END, forced, then the group-committed directory fsync. Buffers
 * up to 64 KiB so a small message costs one write(2) and one fsync(2).
 */
final class QueueFileWriter implements SpoolWriter {

    private static final Logger LOG = Logger.getLogger("org.postrelay.queue");
    private static final int BUFFER = 64 * 1024;

    private enum State { OPEN, COMMITTED, ABORTED }

    private final Spool spool;
    private final DirectorySync directorySync;         // of the directory the file is in
    private final QueueId id;
    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private final long contentLengthField;            // offset of the placeholder to patch
    private final long contentStart;
    private final Content content = new Content();
    private long flushed;                             // bytes already written to the file
    private long committedLength = -1;                // content length once END is written
    private State state = State.OPEN;

    QueueFileWriter(Spool spool, QueueId id, Path file, FileChannel channel, byte[] header,
                    DirectorySync directorySync) throws IOException {
        this.directorySync = directorySync;
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
        return flushed + buffer.position() - contentStart;
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
                buffer.putLong((int) (contentLengthField - flushed), length);   // still in the buffer
            } else {
                ByteBuffer patch = ByteBuffer.allocate(8).putLong(0, length);
                writeFully(patch, contentLengthField);
            }
            ByteBuffer end = QueueFile.endRecord(flushed + buffer.position());
            append(end.array(), 0, end.remaining());
            flush();
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            abort();
            throw Spool.failure("commit queue file", id, file, e);
        }
        try {
            directorySync.sync();
        } catch (IOException e) {
            abort();
            throw Spool.failure("commit queue file (directory fsync of " + file.getParent() + ")", id, file, e);
        }
        state = State.COMMITTED;
        spool.committed(id);
        return id;
    }

    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
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
        }
        spool.aborted(id);
    }

    @Override
    public void close() {
        abort();
    }

    private void append(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            if (buffer.position() == 0 && len >= BUFFER) {
                writeFully(ByteBuffer.wrap(b, off, len), flushed);   // large write: skip the copy
                flushed += len;
                return;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        int n = buffer.remaining();
        writeFully(buffer, flushed);
        flushed += n;
        buffer.clear();
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
