package org.postrelay.queue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Streams the message bytes of a queue file (a window of the file) with a buffer of at most 64 KiB
 * (no larger than the content: most messages are small): bounded memory.
 */
final class ContentInputStream extends InputStream {

    private final FileChannel channel;
    private static final int MAX_BUFFER = 64 * 1024;

    private final ByteBuffer buffer;
    private final String name;
    private long position;
    private long remaining;

    ContentInputStream(FileChannel channel, long offset, long length, String name) {
        this.channel = channel;
        this.position = offset;
        this.remaining = length;
        this.name = name;
        this.buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(MAX_BUFFER, length)));
        buffer.limit(0);
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buffer.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return buffer.remaining();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Refills the buffer when empty; false at the end of the content. */
    private boolean fill() throws IOException {
        if (buffer.hasRemaining()) {
            return true;
        }
        if (remaining == 0) {
            return false;
        }
        buffer.clear();
        if (remaining < buffer.capacity()) {
            buffer.limit((int) remaining);
        }
        int n = channel.read(buffer, position);
        if (n < 0) {
            throw new EOFException(name + ": queue file ends " + remaining + " bytes before the end of its content");
        }
        buffer.flip();
        position += n;
        remaining -= n;
        return buffer.hasRemaining() || fill();
    }
}
