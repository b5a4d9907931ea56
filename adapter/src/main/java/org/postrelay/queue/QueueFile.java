package org.postrelay.queue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue file format (src/docs/queue-file.md): typed, length-prefixed records, the message, an
 * END record. Encodes the envelope part for the writer and parses a whole file for the reader,
 * checking every length against the file size so a garbled file is rejected, never mis-read.
 */
final class QueueFile {

    static final byte VERSION = 'V';
    static final byte ARRIVAL = 'T';
    static final byte CONTROL = 'W';
    static final byte SENDER = 'S';
    static final byte RECIPIENT = 'R';
    static final byte ATTRIBUTE = 'A';
    static final byte CONTENT = 'M';
    static final byte END = 'E';

    static final byte[] MAGIC = {'P', 'R', 'Q', 'F'};
    static final int FORMAT_VERSION = 1;

    /** Type byte + 4-byte big-endian payload length. */
    static final int RECORD_HEADER = 5;
    /** Type byte + 8-byte big-endian content length. */
    static final int CONTENT_HEADER = 9;
    /** END: type, length 8, the total file length (so a truncated file can never end in one). */
    static final int END_SIZE = RECORD_HEADER + 8;
    /** Instants are 8-byte epoch seconds + 4-byte nanoseconds. */
    static final int INSTANT_SIZE = 12;
    /** The control record's payload (next delay-warning time) is at a fixed offset: V and T precede it. */
    static final long CONTROL_PAYLOAD_OFFSET = (RECORD_HEADER + 8) + (RECORD_HEADER + INSTANT_SIZE) + RECORD_HEADER;
    /** Upper bound for one envelope field (sender, address, attribute); real ones are far smaller. */
    static final int MAX_FIELD = 1 << 20;

    private QueueFile() {
    }

    /** What the reader learned: the envelope and where each recipient's status byte is. */
    record Parsed(Envelope envelope, long[] statusOffsets) {
    }

    /**
     * The records before the content, ending with the content record's header whose length field
     * (the last 8 bytes) is a placeholder, patched at commit.
     */
    static byte[] header(String sender, List<String> recipients, Map<String, String> attributes,
                         Instant arrival, Instant nextWarning) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(MAGIC.length + 4);
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeByte(ARRIVAL);
            out.writeInt(INSTANT_SIZE);
            writeInstant(out, arrival);
            out.writeByte(CONTROL);
            out.writeInt(INSTANT_SIZE);
            writeInstant(out, nextWarning);
            byte[] s = utf8(sender, "sender");
            out.writeByte(SENDER);
            out.writeInt(s.length);
            out.write(s);
            for (String recipient : recipients) {
                byte[] r = utf8(recipient, "recipient");
                out.writeByte(RECIPIENT);
                out.writeInt(1 + r.length);
                out.writeByte(RecipientStatus.PENDING.code());
                out.write(r);
            }
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0) {
                    throw new IllegalArgumentException("bad queue file attribute name: \"" + e.getKey()
                            + "\" (must be non-empty, without '=')");
                }
                byte[] a = utf8(e.getKey() + "=" + e.getValue(), "attribute");
                out.writeByte(ATTRIBUTE);
                out.writeInt(a.length);
                out.write(a);
            }
            out.writeByte(CONTENT);
            out.writeLong(-1L);                      // placeholder: patched at commit
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return bytes.toByteArray();
    }

    /** The END record of a file whose END starts at endOffset. */
    static ByteBuffer endRecord(long endOffset) {
        ByteBuffer end = ByteBuffer.allocate(END_SIZE);
        end.put(END).putInt(8).putLong(endOffset + END_SIZE).flip();
        return end;
    }

    /** An instant as the 12 bytes of a time field; null (none) is all zeros. */
    static ByteBuffer instantField(Instant when) {
        ByteBuffer b = ByteBuffer.allocate(INSTANT_SIZE);
        if (when != null) {
            b.putLong(when.getEpochSecond()).putInt(when.getNano());
        }
        return b.clear();
    }

    private static void writeInstant(DataOutputStream out, Instant when) throws IOException {
        out.write(instantField(when).array());
    }

    private static byte[] utf8(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException("queue file " + what + " is null");
        }
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text));
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            if (bytes.length > MAX_FIELD) {
                throw new IllegalArgumentException("queue file " + what + " too long: " + bytes.length
                        + " bytes (at most " + MAX_FIELD + ")");
            }
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("queue file " + what + " is not valid Unicode: \"" + text + "\"");
        }
    }

    /** Whether the file ends in a complete END record: the mark of an acknowledged file. */
    static boolean hasEnd(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < END_SIZE) {
            return false;
        }
        ByteBuffer end = ByteBuffer.allocate(END_SIZE);
        long at = size - END_SIZE;
        while (end.hasRemaining()) {
            if (channel.read(end, at + end.position()) < 0) {
                return false;
            }
        }
        end.flip();
        return end.get() == END && end.getInt() == 8 && end.getLong() == size;
    }

    /** Parses the whole file; CorruptQueueFileException (naming id, offset, file) unless it is complete and well-formed. */
    static Parsed parse(FileChannel channel, QueueId id, Path file) throws IOException {
        try {
            return new Parser(channel, id, file).parse();
        } catch (java.io.EOFException e) {   // the file shrank under us: lengths were checked against its size
            throw new CorruptQueueFileException("queue file " + id + ": " + e.getMessage() + " (file " + file + ")", e);
        }
    }

    /** One pass over the records, in the one order the writer produces them. */
    private static final class Parser {
        private final FileChannel channel;
        private final QueueId id;
        private final Path file;
        private ChannelInput in;
        private long size;

        Parser(FileChannel channel, QueueId id, Path file) {
            this.channel = channel;
            this.id = id;
            this.file = file;
        }

        Parsed parse() throws IOException {
            size = channel.size();
            if (!hasEnd(channel)) {
                throw corrupt("no complete END record (never acknowledged, or truncated)");
            }
            in = new ChannelInput(channel, 0);
            int versionLength = record(VERSION, "version");
            if (versionLength != MAGIC.length + 4) {
                throw corrupt("version record of length " + versionLength + ", expected " + (MAGIC.length + 4));
            }
            for (byte m : MAGIC) {
                if (in.readByte() != m) {
                    throw corrupt("not a Postrelay queue file (bad magic)");
                }
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw corrupt("unsupported queue file format version " + version + " (this is version "
                        + FORMAT_VERSION + ")");
            }
            Instant arrival = instant(ARRIVAL, "arrival time", false);
            Instant nextWarning = instant(CONTROL, "control", true);
            String sender = text(record(SENDER, "sender"), "sender");
            List<Recipient> recipients = new ArrayList<>();
            List<Long> statusOffsets = new ArrayList<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            byte type = peekType();
            while (type == RECIPIENT) {
                int length = record(RECIPIENT, "recipient");
                if (length < 1) {
                    throw corrupt("empty recipient record at offset " + (in.position() - RECORD_HEADER));
                }
                long statusOffset = in.position();
                byte code = in.readByte();
                RecipientStatus status = RecipientStatus.fromCode(code);
                if (status == null) {
                    throw corrupt("bad recipient status byte 0x" + Integer.toHexString(code & 0xff)
                            + " at offset " + statusOffset);
                }
                recipients.add(new Recipient(recipients.size(), text(length - 1, "recipient"), status));
                statusOffsets.add(statusOffset);
                type = peekType();
            }
            if (recipients.isEmpty()) {
                throw corrupt("no recipient records");
            }
            while (type == ATTRIBUTE) {
                long at = in.position();
                String attribute = text(record(ATTRIBUTE, "attribute"), "attribute");
                int eq = attribute.indexOf('=');
                if (eq <= 0) {
                    throw corrupt("attribute record without name=value at offset " + at);
                }
                attributes.put(attribute.substring(0, eq), attribute.substring(eq + 1));
                type = peekType();
            }
            long contentRecord = in.position();
            if (in.readByte() != CONTENT) {
                throw corrupt("expected content record 'M' at offset " + contentRecord + ", found 0x"
                        + Integer.toHexString(type & 0xff));
            }
            long contentLength = in.readLong();
            long contentOffset = in.position();
            if (contentLength < 0 || contentLength != size - END_SIZE - contentOffset) {
                throw corrupt("content length " + contentLength + " at offset " + (contentRecord + 1)
                        + " does not match the file size " + size + " (expected " + (size - END_SIZE - contentOffset) + ")");
            }
            long[] offsets = statusOffsets.stream().mapToLong(Long::longValue).toArray();
            Envelope envelope = new Envelope(id, sender, arrival, List.copyOf(recipients),
                    Collections.unmodifiableMap(attributes), contentOffset, contentLength, nextWarning);
            return new Parsed(envelope, offsets);
        }

        /** Reads a record header of the given type; returns its payload length, checked against the file size. */
        private int record(byte expected, String name) throws IOException {
            long at = in.position();
            if (at + RECORD_HEADER > size - END_SIZE) {
                throw corrupt("file ends before the " + name + " record at offset " + at);
            }
            byte type = in.readByte();
            if (type != expected) {
                throw corrupt("expected " + name + " record '" + (char) expected + "' at offset " + at
                        + ", found 0x" + Integer.toHexString(type & 0xff));
            }
            int length = in.readInt();
            if (length < 0 || length > MAX_FIELD + 1 || length > size - END_SIZE - in.position()) {
                throw corrupt("bad " + name + " record length " + length + " at offset " + at
                        + " (file size " + size + ")");
            }
            return length;
        }

        private byte peekType() throws IOException {
            if (in.position() >= size - END_SIZE) {
                throw corrupt("file ends at offset " + in.position() + " before the content record");
            }
            return in.peekByte();
        }

        private Instant instant(byte type, String name, boolean zeroIsNone) throws IOException {
            int length = record(type, name);
            if (length != INSTANT_SIZE) {
                throw corrupt(name + " record of length " + length + ", expected " + INSTANT_SIZE);
            }
            long seconds = in.readLong();
            int nanos = in.readInt();
            if (zeroIsNone && seconds == 0 && nanos == 0) {
                return null;
            }
            try {
                if (nanos < 0 || nanos > 999_999_999) {
                    throw new DateTimeException("nanoseconds out of range: " + nanos);
                }
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (DateTimeException e) {
                throw corrupt("bad " + name + " time: " + e.getMessage());
            }
        }

        private String text(int length, String name) throws IOException {
            if (length > MAX_FIELD) {
                throw corrupt(name + " longer than " + MAX_FIELD + " bytes");
            }
            long at = in.position();
            byte[] bytes = in.readBytes(length);
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw corrupt(name + " at offset " + at + " is not valid UTF-8");
            }
        }

        private CorruptQueueFileException corrupt(String problem) {
            return new CorruptQueueFileException("queue file " + id + ": " + problem + " (file " + file + ")");
        }
    }
}
