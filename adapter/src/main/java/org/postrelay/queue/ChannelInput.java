package org.postrelay.queue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Buffered big-endian reads at a file position by positional reads (the channel's own position is untouched). */
final class ChannelInput {

    private final FileChannel channel;
    private final ByteBuffer buffer;
    private long bufferStart;                        // file offset of buffer[0]

    ChannelInput(FileChannel channel, long position) throws java.io.IOException {
        this.channel = channel;
        // no larger than what is left of the file: a queue file is usually a few KiB
        this.buffer = ByteBuffer.allocate((int) Math.max(16, Math.min(8192, channel.size() - position)));
        this.bufferStart = position;
        buffer.limit(0);
    }

    long position() {
        return bufferStart + buffer.position();
    }

    byte readByte() throws IOException {
        need(1);
        return buffer.get();
    }

    byte peekByte() throws IOException {
        need(1);
        return buffer.get(buffer.position());
    }

    int readInt() throws IOException {
        need(4);
        return buffer.getInt();
    }

    long readLong() throws IOException {
        need(8);
        return buffer.getLong();
    }

    /** Reads n bytes; the caller has checked n against the file size. */
    byte[] readBytes(int n) throws IOException {
        byte[] bytes = new byte[n];
        int have = Math.min(n, buffer.remaining());
        buffer.get(bytes, 0, have);
        if (have < n) {
            ByteBuffer rest = ByteBuffer.wrap(bytes, have, n - have);
            long at = position();
            while (rest.hasRemaining()) {
                if (channel.read(rest, at + (rest.position() - have)) < 0) {
                    throw new EOFException("end of file at offset " + (at + rest.position() - have));
                }
            }
            bufferStart = at + (n - have);
            buffer.clear().limit(0);
        }
        return bytes;
    }

    private void need(int n) throws IOException {
        if (buffer.remaining() >= n) {
            return;
        }
        long at = position();
        buffer.compact();
        bufferStart = at;
        while (buffer.position() < n) {
            if (channel.read(buffer, bufferStart + buffer.position()) < 0) {
                buffer.flip();
                throw new EOFException("end of file at offset " + (bufferStart + buffer.limit()));
            }
        }
        buffer.flip();
    }
}
