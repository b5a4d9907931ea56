package org.postrelay.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * One file of the accept journal (src/docs/queue-file.md, "The journal"): a fixed-size file that is
 * zero-filled and forced before its first record, so that forcing an appended record later
 * (fdatasync) changes no file system metadata. Records are framed with a CRC32C that also covers
 * the segment's sequence number; the first record that does not check ends the segment.
 */
final class JournalSegment {

    static final byte[] MAGIC = {'P', 'R', 'J', 'L'};
    static final int VERSION = 1;
    /** Magic (4), version (4), sequence number (8). */
    static final int HEADER = 16;
    /** Type (1), payload length (4), CRC32C (4); the payload starts with the 18-byte queue id. */
    static final int RECORD_HEADER = 9;
    /** A queue file image: the queue id, then the complete queue file, END record included. */
    static final byte IMAGE = 'I';
    /** The message was removed (delivered, bounced or deleted): its image must not be replayed. */
    static final byte REMOVED = 'X';

    private static final int ZERO_CHUNK = 256 * 1024;

    final long sequence;
    final Path file;
    final FileChannel channel;
    final long capacity;

    // Guarded by the journal's lock.
    long position = HEADER;                          // where the next record goes
    final List<JournalEntry> entries = new ArrayList<>();   // images written here (fixed once sealed)
    long openedAt;                                   // System.nanoTime() when it became the current segment
    long sealedAt;                                   // System.nanoTime() when it was sealed
    boolean broken;                                  // a write or force failed: no more records go here

    private JournalSegment(long sequence, Path file, FileChannel channel, long capacity) {
        this.sequence = sequence;
        this.file = file;
        this.channel = channel;
        this.capacity = capacity;
    }

    /** The file name of a segment: its sequence number as 16 upper-case hex digits. */
    static String name(long sequence) {
        return String.format("%016X", sequence);
    }

    /** The sequence number a file name stands for, or -1 if it is not a segment's name. */
    static long sequenceOf(String name) {
        if (name.length() != 16) {
            return -1;
        }
        for (int i = 0; i < 16; i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'F')) {
                return -1;
            }
        }
        return Long.parseUnsignedLong(name, 16);
    }

    /**
     * Creates a new segment: header, then zeros up to {@code capacity}, forced. The caller fsyncs
     * the journal directory before any record in it may be acknowledged.
     */
    static JournalSegment create(Path directory, long sequence, long capacity, FileAttribute<?>[] attributes)
            throws IOException {
        Path file = directory.resolve(name(sequence));
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), attributes);
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            header.put(MAGIC).putInt(VERSION).putLong(sequence).flip();
            writeFully(channel, header, 0);
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
            for (long at = HEADER; at < capacity; ) {
                zeros.clear();
                zeros.limit((int) Math.min(ZERO_CHUNK, capacity - at));
                at += writeFully(channel, zeros, at);
                channel.force(false);            // small flushes: a journal force never waits behind megabytes
            }
            channel.force(true);
            return new JournalSegment(sequence, file, channel, capacity);
        } catch (IOException | RuntimeException e) {
            channel.close();
            java.nio.file.Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Bytes a record with this payload takes. */
    static int recordSize(int payloadLength) {
        return RECORD_HEADER + payloadLength;
    }

    /** Appends one record to {@code out} (which has room for it): header, CRC, queue id, then the rest. */
    static void putRecord(ByteBuffer out, long sequence, byte type, QueueId id, byte[] rest, int restLength) {
        byte[] idBytes = id.toString().getBytes(StandardCharsets.US_ASCII);
        int length = idBytes.length + restLength;
        CRC32C crc = new CRC32C();
        ByteBuffer prefix = ByteBuffer.allocate(13).putLong(sequence).put(type).putInt(length).flip();
        crc.update(prefix);
        crc.update(idBytes);
        if (restLength > 0) {
            crc.update(rest, 0, restLength);
        }
        out.put(type).putInt(length).putInt((int) crc.getValue()).put(idBytes);
        if (restLength > 0) {
            out.put(rest, 0, restLength);
        }
    }

    /** What a reader of a segment is told, record by record, in order. */
    interface Visitor {
        void record(byte type, QueueId id, byte[] payload, int restOffset, int restLength) throws IOException;
    }

    /**
     * Reads the records of a segment file in order, up to the first one that does not check (zeros,
     * an unknown type, a length beyond the file, a CRC mismatch, a bad queue id): that is where the
     * last acknowledged write ended, or, at worst, a write that was never acknowledged. A file whose
     * header is not a segment header of this sequence number holds no records.
     *
     * @return the number of records read
     */
    static int read(FileChannel channel, long sequence, Visitor visitor) throws IOException {
        long size = channel.size();
        if (size < HEADER) {
            return 0;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(channel, header, 0);
        header.flip();
        byte[] magic = new byte[4];
        header.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC) || header.getInt() != VERSION || header.getLong() != sequence) {
            return 0;
        }
        int count = 0;
        long at = HEADER;
        ByteBuffer recordHeader = ByteBuffer.allocate(RECORD_HEADER);
        while (at + RECORD_HEADER + QueueId.LENGTH <= size) {
            recordHeader.clear();
            readFully(channel, recordHeader, at);
            recordHeader.flip();
            byte type = recordHeader.get();
            int length = recordHeader.getInt();
            int storedCrc = recordHeader.getInt();
            if (type != IMAGE && type != REMOVED || length < QueueId.LENGTH || length > size - at - RECORD_HEADER
                    || type == REMOVED && length != QueueId.LENGTH) {
                break;
            }
            byte[] payload = new byte[length];
            ByteBuffer p = ByteBuffer.wrap(payload);
            readFully(channel, p, at + RECORD_HEADER);
            CRC32C crc = new CRC32C();
            crc.update(ByteBuffer.allocate(13).putLong(sequence).put(type).putInt(length).flip());
            crc.update(payload);
            if ((int) crc.getValue() != storedCrc) {
                break;
            }
            String id = new String(payload, 0, QueueId.LENGTH, StandardCharsets.US_ASCII);
            if (!QueueId.isValid(id)) {
                break;
            }
            visitor.record(type, QueueId.parse(id), payload, QueueId.LENGTH, length - QueueId.LENGTH);
            count++;
            at += RECORD_HEADER + length;
        }
        return count;
    }

    static int writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        int total = 0;
        while (src.hasRemaining()) {
            total += channel.write(src, position + total);
        }
        return total;
    }

    private static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new java.io.EOFException("journal segment ends at offset " + at);
            }
            at += n;
        }
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was pending: every record was forced, or its writer was told it failed
        }
    }

    @Override
    public String toString() {
        return "journal segment " + file;
    }
}
